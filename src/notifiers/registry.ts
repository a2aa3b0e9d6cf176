// The one place that maps a notifier kind (the key under `notifications:`) to its module.
import { z } from 'zod';

/** The `notifications:` section, assembled from the notifier modules. */
export const NotificationsConfig = z.strictObject({});
export type NotificationsConfig = z.infer<typeof NotificationsConfig>;
