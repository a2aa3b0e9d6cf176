// The retention decision, pure: backups with times + a policy → which to keep (with every rule that kept each) and
// which to delete. restic ≥ 0.16 `forget` semantics: for each of the N most recent periods that hold a backup, the
// newest backup of that period is kept (UTC, ISO weeks), and a rule with count left at the oldest backup keeps that
// one too (`oldest`); keep_last keeps the N newest; keep_within keeps every backup newer than the newest one minus
// the duration, keep_within_<period> the newest of each period in that span. Unlike restic, an empty policy keeps
// everything. The newest is always kept; future-dated backups are kept and never the reference point; a shrink
// hold keeps the last full-size backup.
import type { Retention } from '../config/common.js';
import { FUTURE_DATED, isFutureDated } from './future.js';
import { PERIOD_RULES, periodLabel, WITHIN_RULES, type PeriodRule, type WithinRule } from './periods.js';
import { findShrinkHolds, type ShrinkOptions } from './shrink-hold.js';

export type { PeriodRule, WithinRule } from './periods.js';

/** Why a backup is kept: a policy rule, the oldest backup a rule with count left reaches, the always-kept newest
 * backup, a policy without rules, the backup a run just wrote (pinned by the caller), a backup stamped in the
 * future, or the full-size backup held after the backups shrank. */
export type KeepRule =
  | 'keep_last'
  | PeriodRule
  | 'keep_within'
  | WithinRule
  | 'oldest'
  | 'newest'
  | 'empty_policy'
  | 'new_backup'
  | typeof FUTURE_DATED
  | 'shrink_hold';

export interface KeepReason {
  rule: KeepRule;
  /** The period a GFS rule kept this backup for (`2020-W53`, `2021-01-01`...); for `oldest`, the rule. */
  period?: string;
  /** shrink_hold: when the hold ends (ISO time) unless a backup is back to size first. */
  until?: string;
}

/** Anything with a unique name and a time (the UTC stamp of its name); the size feeds the shrink hold. */
export interface Dated {
  name: string;
  time: Date;
  size_bytes?: number | null;
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

/** What the decision needs besides the policy: the clock (future-dated backups, the hold's end) and the hold. */
export interface DecideOptions {
  now?: Date;
  shrink?: ShrinkOptions;
}

const WITHIN_KEYS = Object.keys(WITHIN_RULES) as WithinRule[];

/** True when no rule would keep anything: restic's reading too (every count 0 or absent, no keep_within*). */
export function isEmptyPolicy(policy: Retention): boolean {
  return (
    !policy.keep_last &&
    PERIOD_RULES.every((rule) => !policy[rule]) &&
    !policy.keep_within &&
    WITHIN_KEYS.every((rule) => !policy[rule])
  );
}

/** Newest first; equal times by name, descending, so the decision never depends on input order. */
function newestFirst(a: Dated, b: Dated): number {
  const diff = b.time.getTime() - a.time.getTime();
  if (diff !== 0) return diff;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/** Walks newest first keeping the newest of each period, at most `count` periods, and the oldest with count left. */
function keepPeriods(
  sorted: readonly Dated[],
  reasons: KeepReason[][],
  rule: KeepRule,
  label: (t: Date) => string,
  count: number,
  end: number,
): void {
  let left = count;
  let previous: string | undefined;
  for (let i = 0; i < end && left > 0; i += 1) {
    const period = label(sorted[i]!.time);
    if (period !== previous) reasons[i]!.push({ rule, period });
    else if (i === sorted.length - 1) reasons[i]!.push({ rule: 'oldest', period: rule });
    else continue;
    previous = period;
    left -= 1;
  }
}

/** The reasons the rules of a (non-empty) policy give each backup of `sorted` (newest first, none future-dated). */
function ruleReasons(sorted: readonly Dated[], policy: Retention): KeepReason[][] {
  const reasons: KeepReason[][] = sorted.map(() => []);
  const last = Math.min(policy.keep_last ?? 0, sorted.length);
  for (let i = 0; i < last; i += 1) reasons[i]!.push({ rule: 'keep_last' });
  // Newest first, one period's backups are adjacent: the first of each new period is that period's newest.
  for (const rule of PERIOD_RULES) keepPeriods(sorted, reasons, rule, periodLabel[rule], policy[rule] ?? 0, sorted.length);
  const newest = sorted[0]?.time.getTime();
  if (newest === undefined) return reasons;
  /** How many backups (from the newest) lie strictly after the newest minus `ms`. */
  const within = (ms: number): number => {
    let i = 0;
    while (i < sorted.length && sorted[i]!.time.getTime() > newest - ms) i += 1;
    return i;
  };
  if (policy.keep_within) for (let i = 0; i < within(policy.keep_within); i += 1) reasons[i]!.push({ rule: 'keep_within' });
  for (const rule of WITHIN_KEYS) {
    const ms = policy[rule];
    if (ms) keepPeriods(sorted, reasons, rule, periodLabel[WITHIN_RULES[rule]], Infinity, within(ms));
  }
  if (reasons[0]!.length === 0) reasons[0]!.push({ rule: 'newest' });
  return reasons;
}

/** Decides which backups a policy keeps and which it deletes. */
export function decideRetention<T extends Dated>(
  backups: readonly T[],
  policy: Retention,
  options: DecideOptions = {},
): RetentionDecision<T> {
  for (const b of backups) {
    if (Number.isNaN(b.time.getTime())) throw new TypeError(`backup ${b.name} has no valid time`);
  }
  const all = [...backups].sort(newestFirst);
  const now = options.now;
  const future = now ? all.filter((b) => isFutureDated(b.time, now)) : [];
  const sorted = future.length > 0 ? all.filter((b) => !future.includes(b)) : all;
  const reasons: KeepReason[][] = isEmptyPolicy(policy)
    ? sorted.map(() => [{ rule: 'empty_policy' }])
    : ruleReasons(sorted, policy);
  if (options.shrink) {
    for (const hold of findShrinkHolds(sorted, options.shrink, now ?? sorted[0]?.time ?? new Date(0))) {
      reasons[hold.index]!.push({ rule: 'shrink_hold', until: hold.until.toISOString() });
    }
  }

  const decision: RetentionDecision<T> = {
    keep: future.map((backup) => ({ backup, reasons: [{ rule: FUTURE_DATED }] })),
    remove: [],
  };
  sorted.forEach((backup, i) => {
    if (reasons[i]!.length > 0) decision.keep.push({ backup, reasons: reasons[i]! });
    else decision.remove.push(backup);
  });
  return decision;
}

/** `keep_daily (2021-01-01), keep_weekly (2020-W53)`: the reasons as the CLI prints them. */
export function describeReasons(reasons: readonly KeepReason[]): string {
  return reasons
    .map((r) => (r.period ? `${r.rule} (${r.period})` : r.until ? `${r.rule} (until ${r.until})` : r.rule))
    .join(', ');
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
  for (const rule of WITHIN_KEYS) if (policy[rule]) parts.push(`${rule} ${exactDuration(policy[rule])}`);
  return parts.join(', ');
}
