// The backup: pg_dumpall's stdout streams through the archive sink (gzip, sha256, temp file). The archive is
// committed only when pg_dumpall exited 0 and the dump ends with its closing line; otherwise nothing is kept.
import { pipeline } from 'node:stream';
import { PG_DUMPALL_CLOSING_LINE } from '../../archive/content-check.js';
import { TailKeeper } from '../../archive/measure.js';
import type { ProcessExit } from '../../exec/errors.js';
import { startProcess } from '../../exec/runner.js';
import { messageTail } from '../../exec/tail.js';
import type { BackupOutcome, TargetContext } from '../types.js';
import { dumpCommand } from './commands.js';
import { explainFailure, PostgresError } from './failures.js';
import type { PostgresTarget } from './schema.js';

/** Runs pg_dumpall and writes its output as `<target>-<stamp>.sql.gz`, or throws and leaves nothing. */
export async function dumpToArchive(ctx: TargetContext, config: PostgresTarget): Promise<BackupOutcome> {
  const spec = dumpCommand(config);
  const child = startProcess(spec, { signal: ctx.signal, redactor: ctx.redactor, logger: ctx.logger, env: ctx.env });
  ctx.logger.info({ command: child.command }, 'dumping');
  // The last bytes of the dump, for the closing-line check; the dump itself only flows through.
  const tail = new TailKeeper(512);
  pipeline(child.stdout, tail, () => undefined);
  let exit: ProcessExit | undefined;
  try {
    const info = await ctx.archive.write({
      ext: 'sql.gz',
      source: tail,
      describe: {
        container: config.container ?? null,
        host: config.host ?? null,
        port: config.port ?? null,
        user: config.user,
        command: child.command,
      },
      finish: async () => {
        exit = await child.exited;
        if (exit.exitCode !== 0) throw explainFailure(config, 'pg_dumpall', child.command, exit);
        if (!tail.text().includes(PG_DUMPALL_CLOSING_LINE)) {
          throw new PostgresError(
            `pg_dumpall exited 0 but the dump lacks its closing line "${PG_DUMPALL_CLOSING_LINE}": ` +
              `a truncated dump, not kept (${child.command})`,
          );
        }
        const warning = messageTail(exit.stderr);
        return { warnings: warning ? [{ code: 'pg_dumpall_stderr', message: warning }] : [] };
      },
    });
    for (const warning of info.warnings) ctx.warn(warning.code, warning.message);
    return {
      artifact: info.name,
      size_bytes: info.size_bytes,
      sha256: info.sha256,
      details: { uncompressed_bytes: info.uncompressed_bytes, container: config.container ?? null },
    };
  } catch (error) {
    child.stop();
    const ended = exit ?? (await child.exited);
    // A broken pipe on our side usually means the child died first: its own words say more.
    if (!(error instanceof PostgresError) && !ctx.signal.aborted && ended.exitCode !== 0 && !ended.stopped) {
      throw explainFailure(config, 'pg_dumpall', child.command, ended);
    }
    throw error;
  }
}
