// How long runs have been kept out by a held lock: the first blocked attempt is written next to the lock
// (`<lock_file>.blocked`), so that a lock stuck for longer than lock_alert_after is noticed across cron runs.
import { readFile } from 'node:fs/promises';
import { removeQuietly, writeFileAtomic } from '../archive/atomic.js';

export function blockedFile(lockPath: string): string {
  return `${lockPath}.blocked`;
}

/** The `since` field of the file, or '' when it is damaged (then it is written again). */
function sinceOf(text: string): string {
  try {
    const since = (JSON.parse(text) as { since?: unknown }).since;
    return typeof since === 'string' ? since : '';
  } catch {
    return '';
  }
}

/** The time of the first blocked attempt since the lock was last taken; records `now` when this is the first. */
export async function recordBlocked(lockPath: string, now: Date): Promise<Date> {
  const path = blockedFile(lockPath);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const since = text === undefined ? undefined : new Date(sinceOf(text));
  if (since !== undefined && !Number.isNaN(since.getTime())) return since;
  await writeFileAtomic(path, JSON.stringify({ since: now.toISOString() }) + '\n');
  return now;
}

/** A run that holds the lock ends the blocked period. */
export function clearBlocked(lockPath: string): Promise<void> {
  return removeQuietly(blockedFile(lockPath));
}
