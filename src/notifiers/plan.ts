// Which messages a view produces: for every entry, the targets it is filtered to, its events, one message per
// run or per target — each composed into a request, with secrets masked in everything it shows.
import type { RunEvent } from '../report.js';
import type { Redactor } from '../util/redact.js';
import { errorMessage } from '../util/errors.js';
import { OUTCOME_EVENTS } from './common.js';
import { placeholderValues } from './placeholders.js';
import { entriesOf, NOTIFIER_KINDS, notifierModule, type NotificationsConfig } from './registry.js';
import type { Outgoing } from './types.js';
import { narrow, perTarget, type RunView } from './view.js';

export interface PlannedMessage {
  /** The entry's `name`, or its key path (`telegram[0]`). */
  notifier: string;
  event: RunEvent;
  /** The target of a `per: target` message, else null. */
  target: string | null;
  timeoutMs: number;
  retries: number;
  /** The request, or why it could not be composed. */
  outgoing: Outgoing | { problem: string };
}

export interface PlanOptions {
  /** `notify --test`: every entry, whatever its events. */
  everyEntry?: boolean;
}

/** The messages of every entry for this view, grouped by entry (an entry's messages go out one after another). */
export function planMessages(
  config: NotificationsConfig,
  view: RunView,
  redactor: Redactor,
  options: PlanOptions = {},
): PlannedMessage[][] {
  const defaults = config.defaults;
  const redact = (text: string): string => redactor.redact(text);
  const groups: PlannedMessage[][] = [];
  for (const kind of NOTIFIER_KINDS) {
    const module = notifierModule(kind);
    entriesOf(config, kind).forEach((entry, index) => {
      const narrowed = narrow(view, entry.targets);
      if (!narrowed) return;
      const events = entry.events ?? defaults.events ?? OUTCOME_EVENTS;
      const per = module.perTarget && !options.everyEntry ? (entry.per ?? defaults.per) : 'run';
      const views = (per === 'target' ? perTarget(narrowed) : [narrowed]).filter(
        (v) => options.everyEntry || events.includes(v.event),
      );
      const group = views.map((v): PlannedMessage => {
        const values = Object.fromEntries(Object.entries(placeholderValues(v)).map(([k, s]) => [k, redact(s)]));
        let outgoing: PlannedMessage['outgoing'];
        try {
          outgoing = module.compose(entry, v, { defaults, values, redact });
          // A derived URL that already shows masked (`***/fail`) stays readable; any other is masked whole.
          for (const secret of outgoing.secrets) if (redactor.redact(secret) === secret) redactor.add(secret);
        } catch (error) {
          outgoing = { problem: redact(`cannot compose the message: ${errorMessage(error)}`) };
        }
        return {
          notifier: entry.name ?? `${kind}[${index}]`,
          event: v.event,
          target: per === 'target' ? (v.targets[0]?.name ?? null) : null,
          timeoutMs: entry.timeout ?? defaults.timeout,
          retries: entry.retries ?? defaults.retries,
          outgoing,
        };
      });
      if (group.length > 0) groups.push(group);
    });
  }
  return groups;
}

/** `targets` filters that name a target the config does not have (a typo must not silence a notifier). */
export function unknownFilterTargets(
  config: NotificationsConfig,
  names: readonly string[],
): { path: (string | number)[]; name: string }[] {
  const found: { path: (string | number)[]; name: string }[] = [];
  for (const kind of NOTIFIER_KINDS) {
    entriesOf(config, kind).forEach((entry, index) => {
      entry.targets?.forEach((name, i) => {
        if (!names.includes(name)) found.push({ path: ['notifications', kind, index, 'targets', i], name });
      });
    });
  }
  return found;
}

/** Whether any notifier is configured at all. */
export function hasNotifiers(config: NotificationsConfig): boolean {
  return NOTIFIER_KINDS.some((kind) => entriesOf(config, kind).length > 0);
}
