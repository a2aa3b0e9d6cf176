// The backup: pg_dumpall's stdout through the shared dump pipeline (_dump/dump.ts) as `.sql.gz`, kept only when
// pg_dumpall exited 0 and the dump ends with its closing line.
import { closingLineCheck, hasClosingLine } from '../_dump/closing-line.js';
import { dumpToArchive } from '../_dump/dump.js';
import type { BackupOutcome, TargetContext } from '../types.js';
import { checkOsUser, dumpCommand } from './commands.js';
import { postgresError } from './failures.js';
import type { PostgresTarget } from './schema.js';

export const PG_DUMPALL_CLOSING_LINE = '-- PostgreSQL database cluster dump complete';

/** pg_dumpall's archives end with its closing line. */
export const pgDumpallCheck = () => closingLineCheck(PG_DUMPALL_CLOSING_LINE, 'pg_dumpall');

/** Runs pg_dumpall and writes its output as `<target>-<stamp>.sql.gz`, or throws and leaves nothing. */
export function dumpCluster(ctx: TargetContext, config: PostgresTarget): Promise<BackupOutcome> {
  checkOsUser(config);
  return dumpToArchive(ctx, {
    place: config,
    program: 'pg_dumpall',
    command: dumpCommand(config),
    format: 'sql',
    describe: { host: config.host ?? null, port: config.port ?? null, user: config.user },
    judgeTail: (tail) =>
      hasClosingLine(tail.toString('utf8'), PG_DUMPALL_CLOSING_LINE)
        ? undefined
        : `the dump lacks its closing line "${PG_DUMPALL_CLOSING_LINE}"`,
    check: pgDumpallCheck,
    error: postgresError,
  });
}
