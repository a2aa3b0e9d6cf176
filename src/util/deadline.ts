// An overall deadline for a command that only reads (list, status, run --dry-run): no provider that stalls or asks
// for a long wait can hang it. The signal aborts with an error that says which deadline passed.
import { formatDuration } from './duration.js';

/** How long a read-only command may take in all. */
export const READ_COMMAND_DEADLINE_MS = 10 * 60_000;

export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** A signal that aborts after `ms` (with a DeadlineError naming `what`), or when `parent` aborts. */
export function withDeadline(ms: number, what: string, parent?: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DeadlineError(`${what} did not finish within its overall deadline of ${formatDuration(ms)}`)),
    ms,
  );
  timer.unref();
  if (parent?.aborted) controller.abort(parent.reason);
  parent?.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      controller.abort(parent.reason);
    },
    { once: true },
  );
  return controller.signal;
}
