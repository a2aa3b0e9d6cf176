// Hand-computed cases of the rules that keep more than the counts say: restic ≥ 0.16's `oldest` and
// keep_within_<period>, future-dated backups, and the size-drop guard's shrink hold.
import { describe, expect, it } from 'vitest';
import type { Retention } from '../../src/config/common.js';
import { decideRetention, describeReasons, type DecideOptions, type Dated } from '../../src/retention/policy.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string, size_bytes?: number): Dated => ({ name: iso, time: new Date(iso), size_bytes });
const decide = (list: Dated[], policy: Retention, options?: DecideOptions) => decideRetention(list, policy, options);
const kept = (list: Dated[], policy: Retention, options?: DecideOptions): string[] =>
  decide(list, policy, options).keep.map((k) => k.backup.name);
const reasonsOf = (list: Dated[], policy: Retention, name: string, options?: DecideOptions): string =>
  describeReasons(decide(list, policy, options).keep.find((k) => k.backup.name === name)?.reasons ?? []);

describe('restic ≥ 0.16 parity', () => {
  it('a period rule with count left keeps the oldest backup too (reason oldest)', () => {
    const threeYears = ['2022-03-01T00:00:00Z', '2022-09-01T00:00:00Z', '2023-05-01T00:00:00Z', '2024-02-01T00:00:00Z'].map((t) =>
      at(t),
    );
    expect(kept(threeYears, { keep_yearly: 10 })).toEqual([
      '2024-02-01T00:00:00Z',
      '2023-05-01T00:00:00Z',
      '2022-09-01T00:00:00Z',
      '2022-03-01T00:00:00Z',
    ]);
    expect(reasonsOf(threeYears, { keep_yearly: 10 }, '2022-03-01T00:00:00Z')).toBe('oldest (keep_yearly)');
    // The count is spent before the oldest is reached: it goes, as in restic.
    expect(kept(threeYears, { keep_yearly: 3 })).toEqual([
      '2024-02-01T00:00:00Z',
      '2023-05-01T00:00:00Z',
      '2022-09-01T00:00:00Z',
    ]);
  });

  it('keep_within_daily keeps the newest of each day within the span from the newest backup, and the oldest in it', () => {
    const list = [
      '2021-01-01T08:00:00Z',
      '2021-01-01T20:00:00Z',
      '2021-01-02T08:00:00Z',
      '2021-01-02T20:00:00Z',
      '2021-01-03T20:00:00Z',
    ].map((t) => at(t));
    expect(kept(list, { keep_within_daily: 2 * DAY })).toEqual(['2021-01-03T20:00:00Z', '2021-01-02T20:00:00Z']);
    expect(kept(list, { keep_within_daily: 3 * DAY })).toEqual([
      '2021-01-03T20:00:00Z',
      '2021-01-02T20:00:00Z',
      '2021-01-01T20:00:00Z',
      '2021-01-01T08:00:00Z',
    ]);
    expect(reasonsOf(list, { keep_within_daily: 3 * DAY }, '2021-01-01T08:00:00Z')).toBe('oldest (keep_within_daily)');
    expect(kept(list, { keep_within_hourly: 12 * HOUR })).toEqual(['2021-01-03T20:00:00Z']);
  });

  it('keep_within_* alone is not an empty policy; an empty policy still keeps everything', () => {
    const list = ['2021-01-01T00:00:00Z', '2021-03-01T00:00:00Z'].map((t) => at(t));
    expect(kept(list, { keep_within_monthly: 10 * DAY })).toEqual(['2021-03-01T00:00:00Z']);
    expect(decide(list, {}).remove).toEqual([]);
  });
});

describe('future-dated backups', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const real = ['2026-05-30T12:00:00Z', '2026-05-31T12:00:00Z', '2026-06-01T11:00:00Z'].map((t) => at(t));
  const future = at('2031-01-01T00:00:00Z');

  it('is kept, is never the reference point of keep_within, and never costs a real backup its place', () => {
    const d = decide([...real, future], { keep_within: 3 * DAY }, { now });
    expect(d.remove).toEqual([]);
    expect(d.keep[0]).toEqual({ backup: future, reasons: [{ rule: 'future_dated' }] });
    expect(kept([...real, future], { keep_last: 1 }, { now })).toEqual([future.name, '2026-06-01T11:00:00Z']);
  });

  it('within 5 minutes of now is not future-dated', () => {
    const soon = at('2026-06-01T12:04:59Z');
    expect(kept([...real, soon], { keep_last: 1 }, { now })).toEqual([soon.name]);
    const later = at('2026-06-01T12:05:01Z');
    expect(reasonsOf([...real, later], { keep_last: 1 }, later.name, { now })).toBe('future_dated');
  });
});

describe('shrink hold', () => {
  const now = new Date('2021-01-10T12:00:00Z');
  const shrink = { ratio: 0.5, holdMs: 30 * DAY };
  const history = [
    at('2021-01-01T00:00:00Z', 1000),
    at('2021-01-02T00:00:00Z', 1000), // the newest full-size backup
    at('2021-01-03T00:00:00Z', 100), // the source shrank
    at('2021-01-04T00:00:00Z', 100),
    at('2021-01-05T00:00:00Z', 100),
  ];

  it('keeps the newest full-size backup while the newer ones are under the ratio', () => {
    const d = decide(history, { keep_last: 2 }, { now, shrink });
    expect(d.keep.map((k) => k.backup.name)).toEqual(['2021-01-05T00:00:00Z', '2021-01-04T00:00:00Z', '2021-01-02T00:00:00Z']);
    expect(reasonsOf(history, { keep_last: 2 }, '2021-01-02T00:00:00Z', { now, shrink })).toBe(
      'shrink_hold (until 2021-02-02T00:00:00.000Z)',
    );
  });

  it('lets go once a backup is back to at least the ratio, or the hold has passed', () => {
    const recovered = [...history, at('2021-01-06T00:00:00Z', 500)];
    expect(kept(recovered, { keep_last: 2 }, { now, shrink })).toEqual(['2021-01-06T00:00:00Z', '2021-01-05T00:00:00Z']);
    const late = { now: new Date('2021-02-02T00:00:01Z'), shrink };
    expect(kept(history, { keep_last: 2 }, late)).toEqual(['2021-01-05T00:00:00Z', '2021-01-04T00:00:00Z']);
    expect(kept(history, { keep_last: 2 }, { now, shrink: { ratio: 0, holdMs: 30 * DAY } })).toHaveLength(2);
  });
});
