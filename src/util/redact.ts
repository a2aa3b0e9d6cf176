// Masks secret values wherever they could surface: every secret the config holds is registered here by value.
// The rule for short values: a secret of SHORT_SECRET characters or fewer is masked only where it stands as a whole
// token (not inside a longer word or name: `db` in `mydb` stays), since masking it inside every word would mangle
// text and names; longer secrets are masked wherever they occur. Values under 3 characters are masked only as the
// whole value of a secret key (config check). Structural values (file names, target names, checksums) are never
// passed through the redactor where they are data: only free text is.

export const MASK = '***';

/** Secrets this long or shorter are masked only as whole tokens. */
export const SHORT_SECRET = 5;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every registered secret (raw, URL-encoded and JSON-escaped forms) with `***`. */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  add(value: string | undefined | null): void {
    if (!value || value.length < 3) return;
    for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) {
      this.secrets.add(form);
    }
    this.pattern = undefined;
  }

  private build(): RegExp {
    const byLength = [...this.secrets].sort((a, b) => b.length - a.length);
    const long = byLength.filter((s) => s.length > SHORT_SECRET).map(escape);
    const short = byLength.filter((s) => s.length <= SHORT_SECRET).map(escape);
    const parts = [...long];
    if (short.length > 0) parts.push(`(?<![A-Za-z0-9])(?:${short.join('|')})(?![A-Za-z0-9])`);
    return new RegExp(parts.join('|'), 'g');
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    this.pattern ??= this.build();
    return text.replace(this.pattern, MASK);
  }

  /** Deep copy of a JSON-like value with every string redacted. */
  redactValue<T>(value: T): T {
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }
}

/** Deep copy of a JSON-like value with every string value (never a key) passed through `redact`. */
export function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, redact)])) as T;
  }
  return value;
}
