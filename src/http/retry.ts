// When to retry an HTTP request and how long to wait: exponential backoff with jitter for network errors and
// 5xx, and the server's own word for 429 (Retry-After, a rate-limit reset header, Telegram's retry_after).

import { formatDuration } from '../util/duration.js';

export type Headers = Record<string, string | string[] | undefined>;

/** A server may ask for a wait up to this long before a retry; a longer one is an error, not a hang. */
export const MAX_SERVER_DELAY_MS = 5 * 60_000;

/** The words for a server-requested wait longer than we make. */
export function tooLongWait(delayMs: number, capMs: number): string {
  return `the server asked to wait ${formatDuration(delayMs)} before a retry, longer than the ${formatDuration(capMs)} snapshotter waits; try again later`;
}

function header(headers: Headers, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === want) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Milliseconds the server asked us to wait before retrying a 429, if it said. */
export function serverDelay(headers: Headers, body: unknown, nowMs: number): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const params = (body as { parameters?: { retry_after?: unknown } } | undefined)?.parameters;
  if (typeof params?.retry_after === 'number') return params.retry_after * 1000;
  const reset = header(headers, 'ratelimit-reset') ?? header(headers, 'x-ratelimit-reset');
  if (reset !== undefined && Number.isFinite(Number(reset))) {
    const value = Number(reset);
    // A large value is a unix time (DigitalOcean, Hetzner); a small one is seconds from now. A reset already past
    // (clock skew) says nothing useful: back off instead of hammering the API.
    const delay = value > 1e9 ? value * 1000 - nowMs : value * 1000;
    return delay > 0 ? delay : undefined;
  }
  return undefined;
}

/** Exponential backoff with full jitter: attempt 0 waits up to base, then 2×, 4×... capped at max. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
