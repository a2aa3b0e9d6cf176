// Sends planned messages: each with its timeout and retries (5xx, network errors, 429 with the server's delay),
// all of them inside one deadline. A failure is logged with its reason and returned as a record; nothing throws.
import type { sendJson } from '../http/client.js';
import type { Logger } from '../logging/logger.js';
import type { NotificationDelivery } from '../report.js';
import { formatDuration } from '../util/duration.js';
import { errorMessage } from '../util/errors.js';
import type { Redactor } from '../util/redact.js';
import type { PlannedMessage } from './plan.js';

export interface NotifyDeps {
  logger: Logger;
  redactor: Redactor;
  http: { sendJson: typeof sendJson };
}

const OK_STATUSES = Array.from({ length: 100 }, (_, i) => 200 + i);

/** Sends one message; resolves with its delivery record. */
async function deliverOne(
  message: PlannedMessage,
  deps: NotifyDeps,
  deadline: number,
  phase: AbortSignal,
  deadlineMs: number,
): Promise<NotificationDelivery> {
  const redact = (text: string): string => deps.redactor.redact(text);
  const record = { notifier: message.notifier, event: message.event, target: message.target };
  const fields = { notifier: message.notifier, event: message.event, ...(message.target ? { target: message.target } : {}) };
  const { outgoing } = message;
  let error: string | null = null;
  if ('problem' in outgoing) {
    error = outgoing.problem;
  } else {
    try {
      const body = await deps.http.sendJson(
        outgoing.request,
        {
          timeoutMs: message.timeoutMs,
          retries: message.retries,
          deadline,
          signal: phase,
          redact,
          onRetry: ({ attempt, delayMs, reason }) =>
            deps.logger.warn(
              { ...fields, attempt, delay_ms: delayMs, reason: redact(reason) },
              'notification not delivered yet; retrying',
            ),
        },
        OK_STATUSES,
      );
      error = outgoing.rejected?.(body) ?? null;
    } catch (failure) {
      error =
        phase.aborted || Date.now() >= deadline
          ? `abandoned: the notification deadline (${formatDuration(deadlineMs)}) passed before ${message.notifier} answered`
          : errorMessage(failure);
    }
  }
  if (error === null) {
    deps.logger.info(fields, 'notification sent');
    return { ...record, ok: true, error: null };
  }
  const reason = redact(error);
  deps.logger.warn({ ...fields, error: reason }, 'notification failed');
  return { ...record, ok: false, error: reason };
}

/**
 * Sends every group (groups at once, a group's messages in order) before `deadline` (ms since epoch; the run's
 * notification deadline, shared by its start and outcome messages); returns all records.
 */
export async function deliverAll(
  groups: readonly PlannedMessage[][],
  deps: NotifyDeps,
  deadlineMs: number,
  deadline: number = Date.now() + deadlineMs,
): Promise<NotificationDelivery[]> {
  if (groups.length === 0) return [];
  const phase = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
  const results = await Promise.all(
    groups.map(async (group) => {
      const out: NotificationDelivery[] = [];
      for (const message of group) out.push(await deliverOne(message, deps, deadline, phase, deadlineMs));
      return out;
    }),
  );
  return results.flat();
}
