// Calendar periods of the GFS rules, in UTC: hour, day, ISO week, month, year. Each maps a time to a label that
// names its period; times of one period share a label, and a period is a contiguous stretch of time.

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The ISO 8601 week of a UTC day: its week-numbering year (decided by the week's Thursday) and week 1–53. */
export function isoWeek(time: Date): { year: number; week: number } {
  const day = time.getUTCDay() || 7; // Monday 1 … Sunday 7
  const thursday = Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate() + 4 - day);
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1;
  return { year, week };
}

export const PERIOD_RULES = ['keep_hourly', 'keep_daily', 'keep_weekly', 'keep_monthly', 'keep_yearly'] as const;
export type PeriodRule = (typeof PERIOD_RULES)[number];

/** The label of the period a time falls in, per rule: `2021-01-01T13`, `2021-01-01`, `2020-W53`, `2021-01`, `2021`. */
export const periodLabel: Record<PeriodRule, (time: Date) => string> = {
  keep_hourly: (t) => `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}`,
  keep_daily: (t) => `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`,
  keep_weekly: (t) => {
    const { year, week } = isoWeek(t);
    return `${year}-W${pad(week)}`;
  },
  keep_monthly: (t) => `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}`,
  keep_yearly: (t) => String(t.getUTCFullYear()),
};

/** restic's `--keep-within-<period>`: the newest backup of each period that lies within the duration. */
export const WITHIN_RULES = {
  keep_within_hourly: 'keep_hourly',
  keep_within_daily: 'keep_daily',
  keep_within_weekly: 'keep_weekly',
  keep_within_monthly: 'keep_monthly',
  keep_within_yearly: 'keep_yearly',
} as const satisfies Record<string, PeriodRule>;
export type WithinRule = keyof typeof WITHIN_RULES;
