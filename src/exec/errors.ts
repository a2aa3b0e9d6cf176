// The one error a child process produces: it names the command (secrets masked), how it ended and the end of
// what it wrote to stderr, so a failure in a cron mail says what ran and why it stopped.
import { messageTail } from './tail.js';

export interface ProcessExit {
  /** The exit code, or null when the child was killed by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended the child (SIGTERM, SIGKILL...). */
  signal: string | null;
  /** The last bytes of stderr (bounded, redacted). */
  stderr: string;
  /** Why the child could not start (ENOENT...), redacted. */
  spawnError: string | null;
  /** The spawn error code (`ENOENT`, `EACCES`), when there was one. */
  spawnCode: string | null;
  /** True when snapshotter stopped the child (abort, timeout, an error on our side). */
  stopped: boolean;
}

/** How a child ended, in words. */
export function describeExit(exit: ProcessExit): string {
  if (exit.spawnError !== null) return `could not start (${exit.spawnError})`;
  if (exit.signal !== null) return `was killed by ${exit.signal}${exit.stopped ? ' (stopped by snapshotter)' : ''}`;
  return `exited with code ${exit.exitCode}`;
}

export class ProcessError extends Error {
  override readonly name = 'ProcessError';

  constructor(
    /** The command line, secrets masked. */
    readonly command: string,
    readonly exit: ProcessExit,
    options?: ErrorOptions,
  ) {
    const tail = messageTail(exit.stderr);
    super(`\`${command}\` ${describeExit(exit)}${tail ? `: ${tail}` : ''}`, options);
  }

  get exitCode(): number | null {
    return this.exit.exitCode;
  }
}
