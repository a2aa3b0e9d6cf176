// The retention policy against hand-computed cases: each rule, their combination, ties, UTC, year and ISO-week
// boundaries. Times are written out so each expectation can be checked by hand.
import { describe, expect, it } from 'vitest';
import type { Retention } from '../../src/config/common.js';
import { isoWeek, periodLabel } from '../../src/retention/periods.js';
import { decideRetention, describePolicy, describeReasons, type Dated } from '../../src/retention/policy.js';

const at = (iso: string): Dated => ({ name: iso, time: new Date(iso) });
const decide = (isos: string[], policy: Retention) => decideRetention(isos.map(at), policy);
const kept = (isos: string[], policy: Retention): string[] => decide(isos, policy).keep.map((k) => k.backup.name);
const removed = (isos: string[], policy: Retention): string[] => decide(isos, policy).remove.map((b) => b.name);
const DAY = 86_400_000;

describe('ISO weeks and period labels (UTC)', () => {
  it.each([
    ['2020-12-31T12:00:00Z', '2020-W53'], // Thursday
    ['2021-01-01T00:00:00Z', '2020-W53'], // Friday: still week 53 of 2020
    ['2021-01-03T23:59:59Z', '2020-W53'], // Sunday
    ['2021-01-04T00:00:00Z', '2021-W01'], // Monday
    ['2019-12-30T00:00:00Z', '2020-W01'], // Monday of 2020's first week, in 2019
    ['2018-12-31T00:00:00Z', '2019-W01'],
    ['2016-01-03T00:00:00Z', '2015-W53'],
    ['2026-12-31T00:00:00Z', '2026-W53'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
    ['2021-03-15T00:00:00Z', '2021-W11'],
  ])('%s is in %s', (iso, label) => {
    expect(periodLabel.keep_weekly(new Date(iso))).toBe(label);
  });

  it('numbers every day of 2015-2030 like a week-by-week count from a known Monday', () => {
    // 2015-01-05 is the Monday of 2015-W02; of these years only 2015, 2020 and 2026 have a week 53.
    const long = new Set([2015, 2020, 2026]);
    let [year, week] = [2015, 2];
    const wrong: string[] = [];
    for (let t = Date.UTC(2015, 0, 5); t < Date.UTC(2031, 0, 1); t += 7 * DAY) {
      for (let d = 0; d < 7; d += 1) {
        const got = isoWeek(new Date(t + d * DAY + 23 * 3_600_000));
        if (got.year !== year || got.week !== week)
          wrong.push(`${new Date(t + d * DAY).toISOString()}: ${got.year}-W${got.week}`);
      }
      week += 1;
      if (week > (long.has(year) ? 53 : 52)) [year, week] = [year + 1, 1];
    }
    expect(wrong).toEqual([]);
    expect([year, week]).toEqual([2031, 2]); // the last Monday counted, 2030-12-30, is in 2031-W01
  });

  it('labels by UTC, not the local time written in the input', () => {
    const t = new Date('2021-01-01T23:30:00-05:00'); // 2021-01-02T04:30Z
    expect(periodLabel.keep_hourly(t)).toBe('2021-01-02T04');
    expect(periodLabel.keep_daily(t)).toBe('2021-01-02');
    expect(periodLabel.keep_monthly(t)).toBe('2021-01');
    expect(periodLabel.keep_yearly(t)).toBe('2021');
  });
});

describe('decideRetention: each rule', () => {
  const five = [
    '2021-01-01T00:00:00Z',
    '2021-01-02T00:00:00Z',
    '2021-01-03T00:00:00Z',
    '2021-01-04T00:00:00Z',
    '2021-01-05T00:00:00Z',
  ];

  it('an empty policy keeps everything, and so does one whose counts are all 0 (restic)', () => {
    for (const policy of [{}, { keep_last: 0, keep_daily: 0 }]) {
      const d = decide(five, policy);
      expect(d.remove).toEqual([]);
      expect(d.keep.map((k) => k.reasons)).toEqual(five.map(() => [{ rule: 'empty_policy' }]));
    }
  });

  it('no backups: nothing to keep or delete', () => {
    expect(decide([], { keep_last: 3 })).toEqual({ keep: [], remove: [] });
  });

  it('keep_last keeps the N newest, whatever order they come in', () => {
    expect(kept([...five].reverse(), { keep_last: 2 })).toEqual(['2021-01-05T00:00:00Z', '2021-01-04T00:00:00Z']);
    expect(removed(five, { keep_last: 2 })).toEqual(['2021-01-03T00:00:00Z', '2021-01-02T00:00:00Z', '2021-01-01T00:00:00Z']);
    expect(kept(five, { keep_last: 10 })).toHaveLength(5);
  });

  it('keep_hourly keeps the newest backup of each of the N most recent hours that have one', () => {
    const times = [
      '2021-01-01T10:05:00Z',
      '2021-01-01T10:45:00Z',
      '2021-01-01T11:10:00Z',
      '2021-01-01T11:50:00Z',
      '2021-01-01T13:00:00Z',
    ];
    const d = decide(times, { keep_hourly: 2 });
    expect(d.keep.map((k) => [k.backup.name, describeReasons(k.reasons)])).toEqual([
      ['2021-01-01T13:00:00Z', 'keep_hourly (2021-01-01T13)'],
      ['2021-01-01T11:50:00Z', 'keep_hourly (2021-01-01T11)'],
    ]);
  });

  it('keep_daily counts days that have a backup, so missed days never erode older backups', () => {
    const times = [
      '2021-01-01T01:00:00Z',
      '2021-01-01T23:00:00Z',
      '2021-01-02T12:00:00Z',
      '2021-01-05T03:00:00Z',
      '2021-01-06T03:00:00Z',
    ];
    expect(kept(times, { keep_daily: 3 })).toEqual(['2021-01-06T03:00:00Z', '2021-01-05T03:00:00Z', '2021-01-02T12:00:00Z']);
    expect(kept(times, { keep_daily: 4 })).toEqual([
      '2021-01-06T03:00:00Z',
      '2021-01-05T03:00:00Z',
      '2021-01-02T12:00:00Z',
      '2021-01-01T23:00:00Z', // the newest of its day, not the first
    ]);
  });

  it('keep_weekly uses ISO weeks across the 2020/2021 boundary (week 53)', () => {
    const times = [
      '2020-12-27T10:00:00Z',
      '2020-12-28T10:00:00Z',
      '2020-12-31T10:00:00Z',
      '2021-01-03T10:00:00Z',
      '2021-01-04T10:00:00Z',
    ];
    expect(decide(times, { keep_weekly: 2 }).keep.map((k) => describeReasons(k.reasons))).toEqual([
      'keep_weekly (2021-W01)',
      'keep_weekly (2020-W53)',
    ]);
    expect(kept(times, { keep_weekly: 2 })).toEqual(['2021-01-04T10:00:00Z', '2021-01-03T10:00:00Z']);
    expect(kept(times, { keep_weekly: 3 })).toEqual(['2021-01-04T10:00:00Z', '2021-01-03T10:00:00Z', '2020-12-27T10:00:00Z']);
  });

  it('keep_monthly and keep_yearly split at the last second of a month and a year', () => {
    const months = ['2021-01-31T23:59:59Z', '2021-02-01T00:00:00Z', '2021-02-28T23:59:59Z', '2021-03-01T00:00:00Z'];
    expect(kept(months, { keep_monthly: 2 })).toEqual(['2021-03-01T00:00:00Z', '2021-02-28T23:59:59Z']);
    expect(kept(months, { keep_monthly: 3 })).toEqual(['2021-03-01T00:00:00Z', '2021-02-28T23:59:59Z', '2021-01-31T23:59:59Z']);
    const years = ['2019-05-05T00:00:00Z', '2020-12-31T23:59:59Z', '2021-01-01T00:00:00Z', '2021-06-01T00:00:00Z'];
    expect(kept(years, { keep_yearly: 2 })).toEqual(['2021-06-01T00:00:00Z', '2020-12-31T23:59:59Z']);
    expect(decide(years, { keep_yearly: 2 }).keep[1]!.reasons).toEqual([{ rule: 'keep_yearly', period: '2020' }]);
  });

  it('keep_within keeps what is strictly newer than the newest minus the duration, however old all are', () => {
    const times = [
      '2010-01-01T00:00:00Z',
      '2010-01-08T12:00:00Z',
      '2010-01-08T12:00:01Z',
      '2010-01-09T00:00:00Z',
      '2010-01-10T12:00:00Z',
    ];
    expect(kept(times, { keep_within: 2 * DAY })).toEqual([
      '2010-01-10T12:00:00Z',
      '2010-01-09T00:00:00Z',
      '2010-01-08T12:00:01Z',
    ]);
  });
});

describe('decideRetention: combinations and ties', () => {
  it('keeps the union of the rules and names every rule that kept each backup', () => {
    const times = [
      '2021-01-31T10:00:00Z', // h: Sunday, W04, January
      '2021-02-28T10:00:00Z', // g: Sunday, W08, February
      '2021-03-01T10:00:00Z', // f: Monday, W09
      '2021-03-07T10:00:00Z', // e: Sunday, W09
      '2021-03-13T10:00:00Z', // d: Saturday, W10
      '2021-03-14T22:00:00Z', // c: Sunday, W10
      '2021-03-15T02:00:00Z', // b: Monday, W11
      '2021-03-15T10:00:00Z', // a: Monday, W11
    ];
    const d = decide(times, { keep_last: 2, keep_daily: 3, keep_weekly: 2, keep_monthly: 2 });
    expect(d.keep.map((k) => [k.backup.name, describeReasons(k.reasons)])).toEqual([
      ['2021-03-15T10:00:00Z', 'keep_last, keep_daily (2021-03-15), keep_weekly (2021-W11), keep_monthly (2021-03)'],
      ['2021-03-15T02:00:00Z', 'keep_last'],
      ['2021-03-14T22:00:00Z', 'keep_daily (2021-03-14), keep_weekly (2021-W10)'],
      ['2021-03-13T10:00:00Z', 'keep_daily (2021-03-13)'],
      ['2021-02-28T10:00:00Z', 'keep_monthly (2021-02)'],
    ]);
    expect(d.remove.map((b) => b.name)).toEqual(['2021-03-07T10:00:00Z', '2021-03-01T10:00:00Z', '2021-01-31T10:00:00Z']);
  });

  it('keeps the later of two backups in one period, and breaks equal times by name in any input order', () => {
    const same = new Date('2021-05-05T05:05:05Z');
    const backups = [
      { name: 'x-a.tar.gz', time: same },
      { name: 'x-b.tar.gz', time: same },
      { name: 'x-early.tar.gz', time: new Date('2021-05-05T00:00:00Z') },
    ];
    for (const input of [backups, [...backups].reverse()]) {
      const d = decideRetention(input, { keep_daily: 1 });
      expect(d.keep.map((k) => k.backup.name)).toEqual(['x-b.tar.gz']);
      expect(d.remove.map((b) => b.name)).toEqual(['x-a.tar.gz', 'x-early.tar.gz']);
    }
  });

  it('refuses a backup without a valid time rather than guessing', () => {
    expect(() => decideRetention([{ name: 'bad', time: new Date('nope') }], { keep_last: 1 })).toThrow(/bad has no valid time/);
  });

  it('describes policies as the config writes them', () => {
    expect(describePolicy({})).toBe('no retention rules: keep everything');
    expect(describePolicy({ keep_last: 3, keep_daily: 7, keep_weekly: 4, keep_within: 30 * DAY })).toBe(
      'keep_last 3, keep_daily 7, keep_weekly 4, keep_within 30d',
    );
    expect(describePolicy({ keep_within: 36 * 3_600_000 })).toBe('keep_within 36h');
  });
});
