// Creating a snapshot without ever making two: a create request is sent once (no blind HTTP retry), and after a
// failure that may have reached the provider (a timeout, 5xx, 429, Hetzner's 423 locked) it is sent again only
// when listing shows no snapshot with the unique name just requested. One found there is the one we created.
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from '../../http/errors.js';
import type { Logger } from '../../logging/logger.js';
import { errorMessage } from '../../util/errors.js';

export interface CreateOnceOptions<C, F> {
  /** The snapshot's unique name, for messages. */
  name: string;
  /** Sends the create request once. */
  create: () => Promise<C>;
  /** The snapshot named `name` if the provider lists it. */
  find: () => Promise<F | undefined>;
  /** Attempts after the first. */
  retries: number;
  /** Wait between attempts (the target's poll_interval). */
  intervalMs: number;
  /** No attempt or wait passes this (ms since epoch). */
  deadline: number;
  signal: AbortSignal;
  logger: Logger;
}

/** A failure after which the provider may or may not have accepted the request, or asks us to try again later. */
function mayRetry(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  const status = error.status;
  return status === undefined || status >= 500 || status === 429 || (status === 423 && error.details.code === 'locked');
}

/** `{ created }` from the create answer, or `{ found }` when an earlier attempt had been accepted after all. */
export async function createOnce<C, F>(options: CreateOnceOptions<C, F>): Promise<{ created: C } | { found: F }> {
  let failures = 0;
  for (;;) {
    try {
      return { created: await options.create() };
    } catch (error) {
      if (options.signal.aborted || !mayRetry(error)) throw error;
      // A busy server (423 locked) is waited for until the deadline; other failures count against the retries.
      const busy = error instanceof HttpError && error.status === 423;
      if (!busy) failures += 1;
      if (failures > options.retries || Date.now() + options.intervalMs >= options.deadline) throw error;
      options.logger.warn(
        { snapshot: options.name, attempt: failures, reason: errorMessage(error) },
        busy
          ? 'server is busy with another action; waiting to create the snapshot'
          : 'creating the snapshot failed; checking whether the provider made it before trying again',
      );
      await sleep(options.intervalMs, undefined, { signal: options.signal });
      const found = await options.find();
      if (found !== undefined) {
        options.logger.info({ snapshot: options.name }, 'the provider made the snapshot after all; not creating another');
        return { found };
      }
    }
  }
}

/** The create limits from a cloud target's config and the run's context. */
export function createLimits(
  ctx: { signal: AbortSignal; logger: Logger },
  config: { retries: number; poll_interval: number },
  name: string,
  deadline: number,
): Pick<CreateOnceOptions<unknown, unknown>, 'name' | 'retries' | 'intervalMs' | 'deadline' | 'signal' | 'logger'> {
  return { name, retries: config.retries, intervalMs: config.poll_interval, deadline, signal: ctx.signal, logger: ctx.logger };
}
