// Schema blocks every notifier entry shares: events, target filter, per-run or per-target messages, delivery
// settings, and the check that a template only names placeholders that exist.
import * as z from 'zod';
import { duration, intLike } from '../config/common.js';
import type { RunEvent } from '../report.js';
import { PLACEHOLDERS } from './placeholders.js';
import { unknownPlaceholders } from './template.js';

export const EVENTS = [
  'backup_start',
  'backup_success',
  'backup_partial_failure',
  'backup_critical_failure',
] as const satisfies readonly RunEvent[];
export const OUTCOME_EVENTS: readonly RunEvent[] = ['backup_success', 'backup_partial_failure', 'backup_critical_failure'];
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_DEADLINE_MS = 60_000;

export const events = z.array(z.enum(EVENTS)).min(1, 'name at least one event');
export const per = z.enum(['run', 'target']);
export const retries = intLike.pipe(z.number().int().min(0).max(10));

/** Keys of every entry; each may be left out and then comes from `notifications.defaults`. */
export const entryBaseShape = {
  /** A label for logs and the report (default: the key path, `telegram[0]`). */
  name: z.string().min(1).max(100).optional(),
  events: events.optional(),
  targets: z.array(z.string().min(1)).min(1, 'name at least one target, or leave the key out').optional(),
  timeout: duration.optional(),
  retries: retries.optional(),
};

/** A template string whose `{placeholders}` must all exist; the issue lands on the template's own key. */
export const textTemplate = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    for (const name of unknownPlaceholders(text)) ctx.addIssue({ code: 'custom', message: unknownMessage(name) });
  });

/** A JSON template: any JSON value whose strings are templates (checked at their own key path). */
export const jsonTemplate = z
  .record(z.string(), z.unknown(), 'must be a mapping (the JSON object to send)')
  .superRefine((value, ctx) => {
    const walk = (node: unknown, path: (string | number)[]): void => {
      if (typeof node === 'string') {
        for (const name of unknownPlaceholders(node)) ctx.addIssue({ code: 'custom', message: unknownMessage(name), path });
      } else if (Array.isArray(node)) {
        node.forEach((item, i) => walk(item, [...path, i]));
      } else if (node && typeof node === 'object') {
        for (const [key, item] of Object.entries(node)) walk(item, [...path, key]);
      }
    };
    walk(value, []);
  });

/** The config error for an unknown placeholder, listing the ones that exist. */
function unknownMessage(name: string): string {
  return `unknown placeholder {${name}} (known: ${KNOWN_LIST}; write {{ and }} for literal braces)`;
}

const KNOWN_LIST = PLACEHOLDERS.map((p) => `{${p}}`).join(', ');

/** `notifications.defaults`: what every entry uses unless it sets the key itself. */
export const NotificationDefaults = z.strictObject({
  timeout: duration.default(DEFAULT_TIMEOUT_MS),
  retries: retries.default(DEFAULT_RETRIES),
  events: events.default([...OUTCOME_EVENTS]),
  per: per.default('run'),
  /** Telegram message template. */
  message: textTemplate.optional(),
  /** Webhook payload template. */
  payload: jsonTemplate.optional(),
  /** Healthchecks ping body template. */
  body: textTemplate.optional(),
});
export type NotificationDefaults = z.infer<typeof NotificationDefaults>;
