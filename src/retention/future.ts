// Backups stamped in the future (a clock that jumped ahead once, a copy restored from elsewhere). They are kept and
// shown, but never count as the newest: not for keep_within, freshness, `restore --latest` or the size-drop guard.

/** A backup stamped more than this after now is `future_dated`. */
export const FUTURE_SKEW_MS = 5 * 60_000;

export const FUTURE_DATED = 'future_dated';

/** Whether a backup's time lies more than FUTURE_SKEW_MS after `now`. */
export function isFutureDated(time: Date, now: Date): boolean {
  return time.getTime() > now.getTime() + FUTURE_SKEW_MS;
}
