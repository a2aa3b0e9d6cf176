// Durations (`30s`, `15m`, `2h`, `7d`, `2w`) and sizes (`512k`, `10m`, `1g`) as config and flags write them.

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i;
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([bkmgt])(?:i?b)?$/i;

/** Milliseconds for a duration like `2h`, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_RE.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (DURATION_UNITS[match[2]!.toLowerCase()] ?? Number.NaN));
}

/** Bytes for a size like `10m` (a bare number is bytes), or undefined when the text is not one. */
export function parseSize(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = SIZE_RE.exec(trimmed);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (SIZE_UNITS[match[2]!.toLowerCase()] ?? Number.NaN));
}

/** A short human form of a duration in milliseconds: `850ms`, `12.3s`, `4m05s`, `2h10m`, `3d4h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

/** A short human form of a byte count: `0 B`, `1.5 KiB`, `23.4 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A duration as the config writes it: the largest unit that divides it exactly (`2h`, `90m`, `1500ms`). */
export function formatDurationConfig(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = DURATION_UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A size as the config writes it: the largest unit that divides it exactly (`10m`, `1536k`), else bytes. */
export function formatSizeConfig(bytes: number): string | number {
  for (const unit of ['t', 'g', 'm', 'k'] as const) {
    const size = SIZE_UNITS[unit]!;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return bytes;
}
