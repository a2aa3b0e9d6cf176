// The retention decision, pure: backups with times + a policy → which to keep (with every rule that kept each) and
// which to delete. restic `forget` semantics: for each of the N most recent periods that hold a backup, the
// newest backup of that period is kept (UTC, ISO weeks); keep_last keeps the N newest; keep_within keeps every
// backup newer than the newest one minus the duration. An empty policy keeps everything; the newest is always kept.
import type { Retention } from '../config/common.js';
import { PERIOD_RULES, periodLabel, type PeriodRule } from './periods.js';

export type { PeriodRule } from './periods.js';

/** Why a backup is kept: a policy rule, the always-kept newest backup, a policy without rules, or the backup a
 * run just wrote (pinned by the caller even when a backup with a later stamp exists). */
export type KeepRule = 'keep_last' | PeriodRule | 'keep_within' | 'newest' | 'empty_policy' | 'new_backup';

export interface KeepReason {
  rule: KeepRule;
  /** The period a GFS rule kept this backup for (`2020-W53`, `2021-01-01`...). */
  period?: string;
}

/** Anything with a unique name and a time (the UTC stamp of its name). */
export interface Dated {
  name: string;
  time: Date;
}

export interface Kept<T> {
  backup: T;
  reasons: KeepReason[];
}

export interface RetentionDecision<T> {
  /** Newest first. */
  keep: Kept<T>[];
  /** Newest first. */
  remove: T[];
}

/** True when no rule would keep anything: restic's reading too (every count 0 or absent, no keep_within). */
export function isEmptyPolicy(policy: Retention): boolean {
  return !policy.keep_last && PERIOD_RULES.every((rule) => !policy[rule]) && !policy.keep_within;
}

/** Newest first; equal times by name, descending, so the decision never depends on input order. */
function newestFirst(a: Dated, b: Dated): number {
  const diff = b.time.getTime() - a.time.getTime();
  if (diff !== 0) return diff;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/** Decides which backups a policy keeps and which it deletes. */
export function decideRetention<T extends Dated>(backups: readonly T[], policy: Retention): RetentionDecision<T> {
  for (const b of backups) {
    if (Number.isNaN(b.time.getTime())) throw new TypeError(`backup ${b.name} has no valid time`);
  }
  const sorted = [...backups].sort(newestFirst);
  if (isEmptyPolicy(policy)) {
    return { keep: sorted.map((backup) => ({ backup, reasons: [{ rule: 'empty_policy' }] })), remove: [] };
  }
  const reasons: KeepReason[][] = sorted.map(() => []);

  const last = Math.min(policy.keep_last ?? 0, sorted.length);
  for (let i = 0; i < last; i += 1) reasons[i]!.push({ rule: 'keep_last' });

  // Newest first, one period's backups are adjacent: the first of each new period is that period's newest.
  for (const rule of PERIOD_RULES) {
    let left = policy[rule] ?? 0;
    let previous: string | undefined;
    for (let i = 0; i < sorted.length && left > 0; i += 1) {
      const period = periodLabel[rule](sorted[i]!.time);
      if (period === previous) continue;
      previous = period;
      left -= 1;
      reasons[i]!.push({ rule, period });
    }
  }

  if (policy.keep_within && sorted.length > 0) {
    const cutoff = sorted[0]!.time.getTime() - policy.keep_within;
    for (let i = 0; i < sorted.length && sorted[i]!.time.getTime() > cutoff; i += 1) reasons[i]!.push({ rule: 'keep_within' });
  }

  if (sorted.length > 0 && reasons[0]!.length === 0) reasons[0]!.push({ rule: 'newest' });

  const decision: RetentionDecision<T> = { keep: [], remove: [] };
  sorted.forEach((backup, i) => {
    if (reasons[i]!.length > 0) decision.keep.push({ backup, reasons: reasons[i]! });
    else decision.remove.push(backup);
  });
  return decision;
}

/** `keep_daily (2021-01-01), keep_weekly (2020-W53)`: the reasons as the CLI prints them. */
export function describeReasons(reasons: readonly KeepReason[]): string {
  return reasons.map((r) => (r.period ? `${r.rule} (${r.period})` : r.rule)).join(', ');
}

/** A duration in the largest unit that writes it exactly, as the config does: `30d`, `36h`, `90s`. */
function exactDuration(ms: number): string {
  const units: [string, number][] = [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** `keep_daily 7, keep_within 30d`-style summary of a policy, or `keep everything` when empty. */
export function describePolicy(policy: Retention): string {
  if (isEmptyPolicy(policy)) return 'no retention rules: keep everything';
  const parts: string[] = [];
  if (policy.keep_last) parts.push(`keep_last ${policy.keep_last}`);
  for (const rule of PERIOD_RULES) if (policy[rule]) parts.push(`${rule} ${policy[rule]}`);
  if (policy.keep_within) parts.push(`keep_within ${exactDuration(policy.keep_within)}`);
  return parts.join(', ');
}
