// Waiting for a provider action (a snapshot being taken): poll at an interval, stop at a deadline that no poll,
// sleep or retry may pass, fail loudly when the provider says the action failed.
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from '../../http/errors.js';
import type { Logger } from '../../logging/logger.js';
import { formatDuration } from '../../util/duration.js';
import { errorMessage } from '../../util/errors.js';

/** What one look at the action found. */
export type ActionState =
  { state: 'running'; progress?: number | undefined } | { state: 'done' } | { state: 'failed'; reason: string };

/** The provider reported that the action failed. */
export class ActionFailedError extends Error {
  override readonly name = 'ActionFailedError';
}

/** Looking at the action failed for good (401, 404, retries spent, or a wait the deadline would not allow). */
export class ActionCheckError extends Error {
  override readonly name = 'ActionCheckError';
}

/** The action did not finish within wait_timeout. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

export interface WaitOptions {
  /** What the action is, for messages: `snapshot action 123 of droplet 456`. */
  what: string;
  /** Looks at the action once; gets the deadline so its HTTP retries stop there too. */
  check: (deadline: number) => Promise<ActionState>;
  intervalMs: number;
  /** Absolute time (ms since epoch). */
  deadline: number;
  /** The wait_timeout, for the message. */
  timeoutMs: number;
  signal: AbortSignal;
  logger: Logger;
  /** The state already known (from the create response), so a finished action costs no poll. */
  initial?: ActionState | undefined;
}

/** The wait_timeout error, with the progress last seen and the check that ran into the deadline. */
function timedOut(options: WaitOptions, last: ActionState | undefined, cause?: unknown): WaitTimeoutError {
  const progress = last?.state === 'running' && last.progress !== undefined ? ` at ${last.progress}%` : '';
  const lastCheck = cause === undefined ? '' : ` (last check: ${errorMessage(cause)})`;
  return new WaitTimeoutError(
    `${options.what} not finished${progress} within wait_timeout ${formatDuration(options.timeoutMs)}; ` +
      `the provider may still finish it, and the next run will count it if it does${lastCheck}`,
    { cause },
  );
}

/** Polls until the action is done; throws ActionFailedError or WaitTimeoutError. */
export async function waitForAction(options: WaitOptions): Promise<void> {
  let last = options.initial;
  for (;;) {
    if (last?.state === 'done') return;
    if (last?.state === 'failed') throw new ActionFailedError(`${options.what} failed: ${last.reason}`);
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) throw timedOut(options, last);
    if (last !== undefined) {
      await sleep(Math.min(options.intervalMs, remaining), undefined, { signal: options.signal });
      if (Date.now() >= options.deadline) throw timedOut(options, last);
    }
    try {
      last = await options.check(options.deadline);
    } catch (error) {
      if (options.signal.aborted) throw error;
      // A poll whose retries ran into the deadline is a timeout of the wait, not a different failure.
      const deadlineHit = Date.now() >= options.deadline || (error instanceof HttpError && error.details.deadline === true);
      if (deadlineHit) throw timedOut(options, last, error);
      throw new ActionCheckError(`could not check ${options.what}: ${errorMessage(error)}`, { cause: error });
    }
    if (last.state === 'running') options.logger.debug({ progress: last.progress }, `${options.what} running`);
  }
}

/** waitForAction with a cloud target's own poll interval and wait timeout, and the run's signal and logger. */
export function waitForTargetAction(
  ctx: { signal: AbortSignal; logger: Logger; step?(waitingOn: string): void },
  config: { poll_interval: number; wait_timeout: number },
  action: Pick<WaitOptions, 'what' | 'check' | 'deadline' | 'initial'>,
): Promise<void> {
  ctx.step?.(`${action.what} to finish`);
  return waitForAction({
    ...action,
    intervalMs: config.poll_interval,
    timeoutMs: config.wait_timeout,
    signal: ctx.signal,
    logger: ctx.logger,
  });
}
