// What the rest of the program calls: send the notifications a view calls for, or show them (dry run).
// Neither ever throws: a notification problem is a record and a log line, never a changed run.
import type { NotificationDelivery, RunEvent } from '../report.js';
import { errorMessage } from '../util/errors.js';
import type { Redactor } from '../util/redact.js';
import { deliverAll, type NotifyDeps } from './deliver.js';
import { hasNotifiers, planMessages, type PlanOptions } from './plan.js';
import type { NotificationsConfig } from './registry.js';
import type { RunView } from './view.js';

export { hasNotifiers };
export type { NotifyDeps };

/**
 * Sends what the view calls for and returns one record per message. `until` (ms since epoch) is the run's deadline
 * when the run already started one (its start messages); by default the deadline starts now.
 */
export async function notify(
  config: NotificationsConfig,
  view: RunView,
  deps: NotifyDeps,
  options: PlanOptions = {},
  until?: number,
): Promise<NotificationDelivery[]> {
  try {
    const groups = planMessages(config, view, deps.redactor, options);
    return await deliverAll(groups, deps, config.deadline, until);
  } catch (error) {
    deps.logger.error({ event: view.event, error: deps.redactor.redact(errorMessage(error)) }, 'notifications failed');
    return [];
  }
}

export interface NotificationPreview {
  notifier: string;
  event: RunEvent;
  target: string | null;
  /** `POST https://api.telegram.org/bot***\/sendMessage` (secrets masked). */
  request: string;
  /** The rendered text or payload (secrets masked), or why it could not be composed. */
  text: string;
}

/** What would be sent for the view, without sending anything. */
export function preview(config: NotificationsConfig, view: RunView, redactor: Redactor): NotificationPreview[] {
  return planMessages(config, view, redactor)
    .flat()
    .map((m) => ({
      notifier: m.notifier,
      event: m.event,
      target: m.target,
      request: 'problem' in m.outgoing ? '(none)' : redactor.redact(`${m.outgoing.request.method} ${m.outgoing.request.url}`),
      text: 'problem' in m.outgoing ? m.outgoing.problem : redactor.redact(m.outgoing.preview),
    }));
}
