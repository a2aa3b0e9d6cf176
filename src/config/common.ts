// Zod building blocks shared by every schema: durations, sizes, names, retention and the keys every target has.
import * as z from 'zod';
import { CODECS, type Codec } from '../archive/codec-names.js';
import { HookSet } from '../hooks/schema.js';
import { parseDuration, parseSize } from '../util/duration.js';
import { encryption, type Encryption } from './encryption.js';

/** The longest timer Node.js keeps (2^31-1 ms, about 24.8 days); a longer one would fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration such as `30s`, `15m`, `2h`, `7d`, resolved to milliseconds, of any length (ages, retention windows). */
export const longDuration = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? `expected a duration such as ${issue.input}h, ${issue.input}m or ${issue.input}d (a number alone has no unit)`
        : undefined,
  })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(text)}: write it like 30s, 15m, 2h or 7d` });
      return z.NEVER;
    }
    return ms;
  });

/** A duration used as a timer (timeouts, deadlines, intervals): at most 24d, the longest a timer can wait. */
export const duration = longDuration.pipe(
  z.number().max(MAX_TIMER_MS, {
    error: (issue) =>
      `a timer duration can be at most 24d (2^31-1 ms, about 24.8 days); got ${Math.round(Number(issue.input) / 86_400_000)}d`,
  }),
);

/** A size such as `10m` or `1g` (or a number of bytes), resolved to bytes. */
export const size = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : parseSize(value);
  if (bytes === undefined || bytes <= 0) {
    ctx.addIssue({ code: 'custom', message: `invalid size ${JSON.stringify(value)}: write it like 512k, 10m or 1g` });
    return z.NEVER;
  }
  return bytes;
});

/** A whole number, also when an environment substitution made it a string of digits. */
export const intLike = z.preprocess(
  (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value),
  z.number({ error: 'must be a whole number' }).int('must be a whole number'),
);

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** A boolean, also when an environment substitution made it `true`/`false`/`1`/`0`/`yes`/`no`. */
export const boolLike = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    return TRUE.has(text) ? true : FALSE.has(text) ? false : value;
  },
  z.boolean({ error: 'must be true or false' }),
);

/** Target names end up in file names: lower case, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const targetName = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must match [a-z0-9][a-z0-9._-]* (it becomes part of file names)');

const count = intLike.pipe(z.number().int().min(0));
/** 1–19 (zstd's range); gzip's 1–9 is checked with the codec, in config/compression.ts. */
const compressionLevel = intLike.pipe(z.number().int().min(1).max(19));

/** Retention policy: any combination of rules; a backup kept by any rule is kept; an empty policy keeps all. */
export const retention = z.strictObject({
  keep_last: count.optional(),
  keep_hourly: count.optional(),
  keep_daily: count.optional(),
  keep_weekly: count.optional(),
  keep_monthly: count.optional(),
  keep_yearly: count.optional(),
  keep_within: longDuration.optional(),
  keep_within_hourly: longDuration.optional(),
  keep_within_daily: longDuration.optional(),
  keep_within_weekly: longDuration.optional(),
  keep_within_monthly: longDuration.optional(),
  keep_within_yearly: longDuration.optional(),
});
export type Retention = z.infer<typeof retention>;

/** What a warning during a backup does: `warn` records it, `fail` fails the target. */
const onWarning = z.enum(['warn', 'fail']);

/** Keys that `defaults:` may set and every target inherits. */
export const defaultsShape = {
  timeout: duration.optional(),
  retention: retention.optional(),
  compression: z.enum(CODECS).optional(),
  compression_level: compressionLevel.optional(),
  verify_after_write: boolLike.optional(),
  max_age: longDuration.optional(),
  min_size_ratio: z.number().min(0).max(1).optional(),
  encryption: encryption.optional(),
  on_warning: onWarning.optional(),
  shrink_hold: longDuration.optional(),
  remotes: z.array(targetName).optional(),
};

/** The keys every target has, with their defaults applied. */
export const targetBaseShape = {
  name: targetName,
  timeout: duration.default(2 * 3_600_000),
  retention: retention.default({}),
  compression: z.enum(CODECS).default('gzip'),
  /** The codec's range and default are applied in config/compression.ts. */
  compression_level: compressionLevel.default(6),
  verify_after_write: boolLike.default(true),
  max_age: longDuration.optional(),
  min_size_ratio: z.number().min(0).max(1).default(0.5),
  hooks: HookSet.optional(),
  /** Unset: the top-level `hook_timeout`. */
  hook_timeout: duration.optional(),
  encryption: encryption.optional(),
  on_warning: onWarning.default('warn'),
  shrink_hold: longDuration.default(30 * 86_400_000),
  /** Remote names this target copies to (`defaults.remotes` when absent). */
  remotes: z.array(targetName).default([]),
};

export interface TargetBase {
  name: string;
  type: string;
  timeout: number;
  retention: Retention;
  compression: Codec;
  compression_level: number;
  verify_after_write: boolean;
  max_age?: number | undefined;
  min_size_ratio: number;
  hooks?: HookSet | undefined;
  hook_timeout?: number | undefined;
  /** age recipients to encrypt archives to; undefined: not encrypted. */
  encryption?: Encryption | undefined;
  /** `fail`: a backup that warned is a failed target and nothing of it is kept. */
  on_warning: 'warn' | 'fail';
  /** How long retention keeps the newest full-size backup after the backups shrank under min_size_ratio. */
  shrink_hold: number;
  remotes: string[];
}
