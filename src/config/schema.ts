// The config schema: the top-level keys here, each target's keys from its module through the registry.
import * as z from 'zod';
import { DEFAULT_HOOK_TIMEOUT_MS, HookSet } from '../hooks/schema.js';
import { LOG_LEVELS } from '../logging/levels.js';
import { NotificationsConfig } from '../notifiers/registry.js';
import { RemoteConfig } from '../remotes/registry.js';
import type { TargetConfig } from '../targets/registry.js';
import { defaultsShape, duration, intLike, longDuration, size } from './common.js';

export const RootConfig = z.strictObject({
  backup_dir: z.string().min(1),
  hostname: z.string().min(1).optional(),
  concurrency: intLike.pipe(z.number().int().min(1).max(64)).default(1),
  lock_file: z.string().min(1).optional(),
  lock_alert_after: longDuration.default(26 * 3_600_000),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default('info'),
      file: z.string().min(1).optional(),
      max_size: size.default(10 * 1024 * 1024),
      max_files: intLike.pipe(z.number().int().min(1).max(1000)).default(5),
    })
    .default({ level: 'info', max_size: 10 * 1024 * 1024, max_files: 5 }),
  metrics: z.strictObject({ textfile: z.string().min(1).optional() }).default({}),
  defaults: z.strictObject(defaultsShape).default({}),
  targets: z
    .array(z.record(z.string(), z.unknown(), 'each target must be a mapping with name and type'), {
      error: (issue) => (issue.input === undefined ? undefined : 'must be a list of targets'),
    })
    .min(1, 'declare at least one target'),
  notifications: NotificationsConfig.prefault({}),
  hooks: HookSet.optional(),
  hook_timeout: duration.default(DEFAULT_HOOK_TIMEOUT_MS),
  remotes: z.array(RemoteConfig).default([]),
});

type Root = z.infer<typeof RootConfig>;

export interface Config extends Omit<Root, 'targets' | 'hostname' | 'lock_file'> {
  /** The config file this came from (absolute). */
  file: string;
  hostname: string;
  lock_file: string;
  targets: TargetConfig[];
}
