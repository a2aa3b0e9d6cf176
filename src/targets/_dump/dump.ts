// The shared backup of dump-style targets (postgres, mysql, redis): a client program's stdout streams through the
// archive sink (gzip, sha256, temp file) — never buffered whole, never an uncompressed temporary file. The archive
// is committed only when the client exited 0 and the dump's last bytes show it was written whole.
import { pipeline, type Transform } from 'node:stream';
import type { ContentCheck } from '../../archive/content-check.js';
import { TailKeeper } from '../../archive/measure.js';
import type { CommandSpec } from '../../exec/command.js';
import type { ProcessExit } from '../../exec/errors.js';
import { startProcess } from '../../exec/runner.js';
import { messageTail } from '../../exec/tail.js';
import type { BackupOutcome, TargetContext } from '../types.js';
import type { ClientPlace } from './client.js';
import { DumpError, explainExit } from './failures.js';

export interface DumpJob {
  place: ClientPlace;
  /** The dump program's name, for messages (as the target names it). */
  program: string;
  command: CommandSpec;
  /** The archive format token (`sql`, `rdb`). */
  format: string;
  /** Recorded in the manifest (no secrets: the manifest is redacted too). */
  describe: Record<string, unknown>;
  /** The dump's last bytes → why it is not whole, or undefined when it is. */
  judgeTail: (tail: Buffer) => string | undefined;
  /** The format's content check, for verify-after-write. */
  check: () => ContentCheck;
  /** Builds the target's own error type. */
  error?: (message: string, options?: ErrorOptions) => Error;
  /** Corrects the client's stdout on its way into the archive (a client's transfer marker). */
  filter?: () => Transform;
}

/** Runs the client and writes its stdout as `<target>-<stamp>.<format>.<gz|zst>[.age]`, or throws and leaves nothing. */
export async function dumpToArchive(ctx: TargetContext, job: DumpJob): Promise<BackupOutcome> {
  const make = job.error ?? ((message: string, options?: ErrorOptions) => new DumpError(message, options));
  const child = startProcess(job.command, { signal: ctx.signal, redactor: ctx.redactor, logger: ctx.logger, env: ctx.env });
  ctx.logger.info({ command: child.command }, 'dumping');
  const { container } = job.place;
  ctx.step(container === undefined ? `${job.program} on this host` : `${job.program} in container ${container}`);
  // The last bytes of the dump, for the completeness check; the dump itself only flows through.
  const tail = new TailKeeper(512);
  if (job.filter) pipeline(child.stdout, job.filter(), tail, () => undefined);
  else pipeline(child.stdout, tail, () => undefined);
  let exit: ProcessExit | undefined;
  let judged: Error | undefined;
  try {
    const info = await ctx.archive.write({
      format: job.format,
      source: tail,
      check: job.check,
      describe: { ...job.describe, container: job.place.container ?? null, command: child.command },
      finish: async () => {
        exit = await child.exited;
        ctx.step('the archive to be written and checked');
        if (exit.exitCode !== 0) throw explainExit(job.place, job.program, child.command, exit, make);
        const problem = job.judgeTail(tail.bytes());
        if (problem !== undefined) {
          judged = make(`${job.program} exited 0 but ${problem}: a truncated dump, not kept (${child.command})`);
          throw judged;
        }
        const warning = messageTail(exit.stderr);
        return { warnings: warning ? [{ code: `${job.program.replace(/[^a-z0-9]+/g, '_')}_stderr`, message: warning }] : [] };
      },
    });
    for (const warning of info.warnings) ctx.warn(warning.code, warning.message);
    return {
      artifact: info.name,
      size_bytes: info.size_bytes,
      sha256: info.sha256,
      details: { uncompressed_bytes: info.uncompressed_bytes, container: job.place.container ?? null },
    };
  } catch (error) {
    child.stop();
    const ended = exit ?? (await child.exited);
    // A broken pipe on our side usually means the child died first: its own words say more.
    if (error !== judged && exit === undefined && !ctx.signal.aborted && ended.exitCode !== 0 && !ended.stopped) {
      throw explainExit(job.place, job.program, child.command, ended, make);
    }
    throw error;
  }
}
