// Which provider snapshots are ours and which of them go: names `<target>-<stamp>`, the newest `keep_last` kept,
// the snapshot this run made always kept, everything else (hand-made, other tools, other targets) never listed.
import { formatStamp, parseStamp } from '../../archive/names.js';
import type { RemoteBackup } from '../types.js';

/** The name of a snapshot taken now: `<target>-<YYYYMMDDTHHMMSSZ>` (UTC, so name order is time order). */
export function snapshotName(target: string, date: Date): string {
  return `${target}-${formatStamp(date)}`;
}

/** A name no existing snapshot has: the next free second, as archives do, so a name finds exactly one snapshot. */
export function freeSnapshotName(target: string, now: Date, taken: ReadonlySet<string>): string {
  let time = Math.floor(now.getTime() / 1000) * 1000;
  while (taken.has(snapshotName(target, new Date(time)))) time += 1000;
  return snapshotName(target, new Date(time));
}

/** The time in a name of the form `<target>-<stamp>`, or undefined when the name is anything else. */
export function managedTime(target: string, name: string | null | undefined): Date | undefined {
  if (!name?.startsWith(`${target}-`)) return undefined;
  return parseStamp(name.slice(target.length + 1));
}

/** Newest first by the stamp; equal stamps by id, larger (later) first. */
export function newestFirst<T extends Pick<RemoteBackup, 'time' | 'id'>>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => b.time.getTime() - a.time.getTime() || b.id.localeCompare(a.id, 'en', { numeric: true }));
}

export interface RetentionChoice<T> {
  keep: T[];
  expire: T[];
}

/**
 * Splits our snapshots into the newest `keepLast` and the rest. The one `protect` names (this run's new snapshot)
 * is kept whatever its stamp says; without `keepLast` everything is kept.
 */
export function chooseExpired<T extends Pick<RemoteBackup, 'time' | 'id'>>(
  managed: readonly T[],
  keepLast: number | undefined,
  protect?: string,
): RetentionChoice<T> {
  const sorted = newestFirst(managed);
  if (keepLast === undefined) return { keep: sorted, expire: [] };
  const protectedOnes = sorted.filter((s) => s.id === protect);
  const keep: T[] = [...protectedOnes];
  const expire: T[] = [];
  for (const snapshot of sorted) {
    if (snapshot.id === protect) continue;
    (keep.length < Math.max(1, keepLast) ? keep : expire).push(snapshot);
  }
  return { keep: newestFirst(keep), expire };
}
