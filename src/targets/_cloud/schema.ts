// Config keys that both cloud snapshot targets share: the token, the API endpoint, how long to wait and how often
// to look, HTTP limits, and a retention policy reduced to `keep_last` (provider snapshots are kept by count).
import * as z from 'zod';
import { duration, intLike, retention } from '../../config/common.js';

const OTHER_RULES = ['keep_hourly', 'keep_daily', 'keep_weekly', 'keep_monthly', 'keep_yearly', 'keep_within'] as const;

/**
 * `retention` of a cloud target: only `keep_last` (at least 1). Calendar rules are rejected rather than ignored,
 * so nobody believes a weekly snapshot is kept when it is not; `defaults.retention` is inherited, so the message
 * says how to override it.
 */
export const cloudRetention = retention.superRefine((policy, ctx) => {
  for (const rule of OTHER_RULES) {
    if (policy[rule] === undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: [rule],
      message:
        `cloud snapshot targets support only retention.keep_last (they keep the newest N snapshots they made); ` +
        `remove ${rule}, or give this target its own "retention: { keep_last: N }" if it came from defaults.retention`,
    });
  }
  if (policy.keep_last === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['keep_last'],
      message: 'must be at least 1 (the newest snapshot is never deleted); leave keep_last out to keep every snapshot',
    });
  }
});

const httpUrl = z
  .string()
  .url('must be an http(s) URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

/** The keys of a cloud target besides its resource id; `apiUrl` is the provider's public endpoint. */
export function cloudShape(apiUrl: string) {
  return {
    token: z.string().min(1, 'must not be empty'),
    api_url: httpUrl.default(apiUrl),
    poll_interval: duration.default(10_000),
    wait_timeout: duration.default(3_600_000),
    request_timeout: duration.default(30_000),
    retries: intLike.pipe(z.number().int().min(0).max(20)).default(5),
    retention: cloudRetention.default({}),
  };
}

export interface CloudOptions {
  name: string;
  token: string;
  api_url: string;
  poll_interval: number;
  wait_timeout: number;
  request_timeout: number;
  retries: number;
  retention: { keep_last?: number | undefined };
}

/** A provider's resource id: a positive whole number (also from `${VAR}`). */
export const resourceId = intLike.pipe(z.number().int().min(1, 'must be a positive id').max(Number.MAX_SAFE_INTEGER));
