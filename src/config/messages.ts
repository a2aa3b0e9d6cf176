// Config errors in the config's own terms: "expected a list, got text" rather than zod's type names, and a
// "did you mean …" for an unknown key that is one typo away from a known one.
import type { z } from 'zod';

const NOUNS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'nothing (null)',
};

/** zod's "Invalid input: expected array, received string" as "expected a list, got text". */
export function plainTypeMessage(message: string): string {
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (!m) return message;
  const [, expected, received] = m as unknown as [string, string, string];
  return `expected ${NOUNS[expected] ?? expected}, got ${NOUNS[received] ?? received}`;
}

type AnySchema = z.core.$ZodType;

/** The schema one level down: through optional/default/pipe wrappers, into an object's key or a list's items. */
function unwrap(schema: AnySchema): AnySchema[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return unwrap(def.innerType as AnySchema);
    case 'pipe':
      return unwrap(def.in as AnySchema);
    case 'lazy':
      return unwrap((def.getter as () => AnySchema)());
    case 'union':
      return (def.options as AnySchema[]).flatMap(unwrap);
    default:
      return [schema];
  }
}

/** The keys a mapping at `path` may hold, as far as the schema tells; empty when it does not. */
export function knownKeys(schema: AnySchema, path: readonly (string | number)[]): string[] {
  let level = unwrap(schema);
  for (const step of path) {
    level = level.flatMap((s) => {
      const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === 'object' && typeof step === 'string') {
        const shape = def.shape as Record<string, AnySchema>;
        return step in shape ? unwrap(shape[step]!) : [];
      }
      if (def.type === 'array' && typeof step === 'number') return unwrap(def.element as AnySchema);
      return [];
    });
  }
  const keys = level.flatMap((s) => {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    return def.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
  });
  return [...new Set(keys)];
}

/** Edits between two words, a swap of two neighbours counting as one (optimal string alignment). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i || j));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key closest to `key` when it is a plausible typo of it (at most 2 edits, fewer than half its letters). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate);
    if (d <= 2 && d < candidate.length / 2 && (!best || d < best.d)) best = { key: candidate, d };
  }
  return best?.key;
}
