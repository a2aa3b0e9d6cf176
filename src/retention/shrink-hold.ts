// The size-drop guard's hold, pure: when the newest backups shrank under `ratio` of an older full-size backup, that
// backup is kept (reason `shrink_hold`) until a backup is back to at least `ratio` of its size, or `holdMs` has
// passed since the first shrunken backup. An unmounted disk or a wiped folder then cannot erode every good backup.

export interface Sized {
  name: string;
  time: Date;
  /** Unknown (null/absent) for a backup not written yet (run --dry-run): it takes no part. */
  size_bytes?: number | null;
}

export interface ShrinkHold {
  /** Index of the held backup in the newest-first list. */
  index: number;
  /** The first backup under the ratio: the hold runs from its time. */
  since: Date;
  /** When the hold ends unless a backup is back to size first. */
  until: Date;
}

export interface ShrinkOptions {
  /** min_size_ratio: a backup under this fraction of an older one is shrunken; 0 turns the hold off. */
  ratio: number;
  /** shrink_hold, in milliseconds. */
  holdMs: number;
}

const sizeOf = (b: Sized): number | undefined =>
  typeof b.size_bytes === 'number' && b.size_bytes >= 0 ? b.size_bytes : undefined;

/** The backups held in `sorted` (newest first, future-dated ones left out) at `now`. */
export function findShrinkHolds(sorted: readonly Sized[], options: ShrinkOptions, now: Date): ShrinkHold[] {
  if (options.ratio <= 0) return [];
  const holds: ShrinkHold[] = [];
  let largestNewer: number | undefined; // the largest known size among the backups newer than index i
  let oldestNewer: Sized | undefined; // the oldest backup with a known size newer than index i
  sorted.forEach((backup, index) => {
    const size = sizeOf(backup);
    if (size === undefined) return;
    if (largestNewer !== undefined && oldestNewer && size > 0 && largestNewer < size * options.ratio) {
      const until = new Date(oldestNewer.time.getTime() + options.holdMs);
      if (until.getTime() > now.getTime()) holds.push({ index, since: oldestNewer.time, until });
    }
    largestNewer = Math.max(largestNewer ?? 0, size);
    oldestNewer = backup;
  });
  return holds;
}
