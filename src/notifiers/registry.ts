// The one place that maps a notifier kind (the key under `notifications:`) to its module.
import * as z from 'zod';
import { duration } from '../config/common.js';
import { DEFAULT_DEADLINE_MS, NotificationDefaults } from './common.js';
import { healthchecksNotifier } from './healthchecks/index.js';
import { telegramNotifier } from './telegram/index.js';
import type { EntryBase, NotifierModule } from './types.js';
import { webhookNotifier } from './webhook/index.js';

export const notifierModules = {
  webhooks: webhookNotifier,
  telegram: telegramNotifier,
  healthchecks: healthchecksNotifier,
} as const;

export type NotifierKind = keyof typeof notifierModules;
export const NOTIFIER_KINDS = Object.keys(notifierModules) as NotifierKind[];

/** The `notifications:` section, assembled from the notifier modules. */
export const NotificationsConfig = z.strictObject({
  /** The whole notification phase (all deliveries of a run start or end) is abandoned after this long. */
  deadline: duration.default(DEFAULT_DEADLINE_MS),
  defaults: NotificationDefaults.prefault({}),
  webhooks: z.array(webhookNotifier.schema).default([]),
  telegram: z.array(telegramNotifier.schema).default([]),
  healthchecks: z.array(healthchecksNotifier.schema).default([]),
});
export type NotificationsConfig = z.infer<typeof NotificationsConfig>;

/** The module of a notifier kind, typed for code that handles every kind alike. */
export function notifierModule(kind: NotifierKind): NotifierModule<EntryBase> {
  return notifierModules[kind];
}

/** The configured entries of a kind. */
export function entriesOf(config: NotificationsConfig, kind: NotifierKind): readonly EntryBase[] {
  return config[kind];
}
