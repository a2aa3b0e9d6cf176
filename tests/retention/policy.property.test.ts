// Properties of the retention policy over random backup sets and policies (fast-check): what holds for every
// input, not only the hand-computed ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStamp } from '../../src/archive/names.js';
import type { Retention } from '../../src/config/common.js';
import { decideRetention, isEmptyPolicy, type Dated } from '../../src/retention/policy.js';

const DAY = 86_400_000;
const FROM = Date.UTC(2018, 0, 1) / 1000;
const TO = Date.UTC(2023, 0, 1) / 1000;

/** Distinct times in seconds: clustered (many per hour/day) and spread (years), so every rule has work to do. */
const times = fc.oneof(
  fc.uniqueArray(fc.integer({ min: FROM, max: TO }), { maxLength: 80 }),
  fc
    .tuple(
      fc.integer({ min: FROM, max: TO - 40 * 86_400 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 40 * 86_400 }), { maxLength: 80 }),
    )
    .map(([base, offsets]) => offsets.map((o) => base + o)),
);
const backups = times.map((secs) =>
  secs.map((s): Dated => ({ name: `t-${formatStamp(new Date(s * 1000))}.tar.gz`, time: new Date(s * 1000) })),
);

const count = fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined });
const policy: fc.Arbitrary<Retention> = fc.record({
  keep_last: count,
  keep_hourly: count,
  keep_daily: count,
  keep_weekly: count,
  keep_monthly: count,
  keep_yearly: count,
  keep_within: fc.option(fc.integer({ min: 1, max: 400 * DAY }), { nil: undefined }),
  keep_within_daily: fc.option(fc.integer({ min: 1, max: 60 * DAY }), { nil: undefined }),
  keep_within_monthly: fc.option(fc.integer({ min: 1, max: 800 * DAY }), { nil: undefined }),
});
const RULES = [
  'keep_last',
  'keep_hourly',
  'keep_daily',
  'keep_weekly',
  'keep_monthly',
  'keep_yearly',
  'keep_within',
  'keep_within_daily',
  'keep_within_monthly',
] as const;
const rule = fc.constantFrom(...RULES);

const keptNames = (input: readonly Dated[], p: Retention): Set<string> =>
  new Set(decideRetention(input, p).keep.map((k) => k.backup.name));
const newest = (input: readonly Dated[]): Dated => input.reduce((a, b) => (b.time > a.time ? b : a));

describe('retention properties', () => {
  it('always keeps the newest backup', () => {
    fc.assert(
      fc.property(backups, policy, (input, p) => {
        fc.pre(input.length > 0);
        expect(keptNames(input, p).has(newest(input).name)).toBe(true);
      }),
    );
  });

  it('splits the input exactly: keep ⊆ input, delete ⊆ input, disjoint, nothing lost or invented', () => {
    fc.assert(
      fc.property(backups, policy, (input, p) => {
        const d = decideRetention(input, p);
        const keep = d.keep.map((k) => k.backup.name);
        const remove = d.remove.map((b) => b.name);
        expect([...keep, ...remove].sort()).toEqual(input.map((b) => b.name).sort());
        expect(d.keep.every((k) => k.reasons.length > 0)).toBe(true);
      }),
    );
  });

  it('adding a rule, or raising one, never deletes more', () => {
    fc.assert(
      fc.property(backups, policy, rule, fc.integer({ min: 1, max: 12 }), (input, p, extra, raise) => {
        fc.pre(!isEmptyPolicy(p)); // from an empty policy (keep all), any rule deletes: that is the point of rules
        const before = keptNames(input, p);
        const current = p[extra] ?? 0;
        const more: Retention = { ...p, [extra]: extra.startsWith('keep_within') ? current + raise * DAY : current + raise };
        const after = keptNames(input, more);
        for (const name of before) expect(after.has(name)).toBe(true);
      }),
    );
  });

  it('does not depend on the order of its input', () => {
    fc.assert(
      fc.property(backups, policy, (input, p) => {
        const a = decideRetention(input, p);
        const b = decideRetention([...input].reverse(), p);
        expect(b).toEqual(a);
      }),
    );
  });

  it('pruning after every new backup keeps exactly what pruning once at the end keeps', () => {
    // Runs prune after each backup; repeated runs must not erode more than one prune of the whole history.
    fc.assert(
      fc.property(backups, policy, (input, p) => {
        const chronological = [...input].sort((x, y) => x.time.getTime() - y.time.getTime());
        let present: Dated[] = [];
        for (const b of chronological) {
          present = decideRetention([...present, b], p).keep.map((k) => k.backup);
        }
        expect(new Set(present.map((b) => b.name))).toEqual(keptNames(input, p));
      }),
    );
  });

  it('a future-dated backup is kept and changes nothing for the others', () => {
    const now = new Date(TO * 1000);
    fc.assert(
      fc.property(backups, policy, fc.integer({ min: 301, max: 10 * 365 * 86_400 }), (input, p, ahead) => {
        const future: Dated = { name: 'future', time: new Date(now.getTime() + ahead * 1000) };
        const withFuture = decideRetention([...input, future], p, { now });
        const without = decideRetention(input, p, { now });
        expect(withFuture.keep[0]).toEqual({ backup: future, reasons: [{ rule: 'future_dated' }] });
        expect(withFuture.keep.slice(1)).toEqual(without.keep);
        expect(withFuture.remove).toEqual(without.remove);
      }),
    );
  });

  it('the shrink hold only ever keeps more, and always keeps the newest backup that the newest shrank from', () => {
    const now = new Date(TO * 1000);
    const sized = backups.chain((input) =>
      fc
        .array(fc.integer({ min: 1, max: 1000 }), { minLength: input.length, maxLength: input.length })
        .map((sizes) => input.map((b, i) => ({ ...b, size_bytes: sizes[i] }))),
    );
    fc.assert(
      fc.property(sized, policy, (input, p) => {
        const shrink = { ratio: 0.5, holdMs: 100 * 365 * DAY };
        const held = new Set(decideRetention(input, p, { now, shrink }).keep.map((k) => k.backup.name));
        for (const name of keptNames(input, p)) expect(held.has(name)).toBe(true);
        const sorted = [...input].sort((a, b) => b.time.getTime() - a.time.getTime());
        const full = sorted.findIndex((b, i) => i > 0 && sorted.slice(0, i).every((n) => n.size_bytes! < b.size_bytes! * 0.5));
        if (full > 0) expect(held.has(sorted[full]!.name)).toBe(true);
      }),
    );
  });
});
