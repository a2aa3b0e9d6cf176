// The backup: mariadb-dump's (or mysqldump's) stdout through the shared dump pipeline as `.sql.gz`, kept only
// when the dump exited 0 and ends with its `-- Dump completed` line.
import { closingLineCheck, hasClosingLine } from '../_dump/closing-line.js';
import { dumpToArchive } from '../_dump/dump.js';
import { withFallback } from '../_dump/fallback.js';
import type { BackupOutcome, TargetContext } from '../types.js';
import { DUMP_COMPLETED, DUMP_PROGRAMS, dumpCommand } from './commands.js';
import type { MysqlTarget } from './schema.js';

export class MysqlError extends Error {
  override readonly name = 'MysqlError';
}
export const mysqlError = (message: string, options?: ErrorOptions): MysqlError => new MysqlError(message, options);

/** A mysql dump ends with its tool's closing line. */
export const mysqlDumpCheck = () => closingLineCheck(DUMP_COMPLETED, 'mariadb-dump/mysqldump');

export function dumpServer(ctx: TargetContext, config: MysqlTarget): Promise<BackupOutcome> {
  return withFallback(config, DUMP_PROGRAMS, ctx.env, (program) =>
    dumpToArchive(ctx, {
      place: config,
      program,
      command: dumpCommand(config, program),
      format: 'sql',
      describe: { host: config.host ?? null, port: config.port ?? null, user: config.user ?? null },
      judgeTail: (tail) =>
        hasClosingLine(tail.toString('utf8'), DUMP_COMPLETED) ? undefined : `the dump lacks its closing line "${DUMP_COMPLETED}"`,
      check: mysqlDumpCheck,
      error: mysqlError,
    }),
  );
}
