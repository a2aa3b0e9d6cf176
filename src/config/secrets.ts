// Which config values are secrets: a target's keys as its type declares them (targets/<type>/schema.ts, read
// through the registry), elsewhere by key (tokens, passwords) and place (header values, notification URLs), and by
// origin (anything read from a `*_file`). Each is registered with the redactor by value.
import { specOf, TARGET_TYPES } from '../targets/registry.js';
import { MASK, type Redactor } from '../util/redact.js';

/**
 * Keys outside `targets` whose value is a secret wherever they appear (remotes' S3 keys among them); each may also
 * be given as `<key>_file`.
 */
const OTHER_SECRET_KEYS = new Set([
  'token',
  'password',
  'bot_token',
  'bearer_token',
  'api_key',
  'secret',
  'secret_access_key',
  'access_key_id',
]);

export type ConfigPath = readonly (string | number)[];
/** The `type` of `targets[i]` in the config at hand. */
export type TargetTypeAt = (index: number) => unknown;

/** A type's secret keys; for a type nobody registered (an invalid config), every type's keys: fail closed. */
function targetSecretKeys(type: unknown): readonly string[] {
  const spec = typeof type === 'string' ? specOf(type) : undefined;
  return spec ? spec.secrets : TARGET_TYPES.flatMap((t) => specOf(t)!.secrets);
}

/** `password`, `basic_auth.password`, `headers.*` against a path inside one target. */
function matchesKey(pattern: string, rel: readonly (string | number)[]): boolean {
  const parts = pattern.split('.');
  return parts.length === rel.length && parts.every((p, i) => p === '*' || p === String(rel[i]));
}

/** Whether the value at this path of the config is a secret. */
export function isSecretPath(path: ConfigPath, typeAt: TargetTypeAt = () => undefined): boolean {
  if (path[0] === 'targets' && typeof path[1] === 'number') {
    const rel = path.slice(2);
    return targetSecretKeys(typeAt(path[1])).some((key) => matchesKey(key, rel));
  }
  const last = path.at(-1);
  if (typeof last === 'string' && OTHER_SECRET_KEYS.has(last)) return true;
  if (path.includes('headers')) return path.indexOf('headers') === path.length - 2;
  return path[0] === 'notifications' && last === 'url';
}

/** Whether `<key>_file` may stand for this key at this path. */
export function acceptsFileFor(path: ConfigPath, key: string, typeAt?: TargetTypeAt): boolean {
  return isSecretPath([...path, key], typeAt);
}

/** The target types of a config value (raw or parsed). */
function typesOf(root: unknown): TargetTypeAt {
  const targets = root && typeof root === 'object' ? (root as { targets?: unknown }).targets : undefined;
  return (i) => (Array.isArray(targets) ? (targets[i] as { type?: unknown } | undefined)?.type : undefined);
}

/** The password of a URL with credentials (`https://user:pw@host`), if any. */
function urlPassword(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:([^/@\s]+)@/i.exec(value);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * The parts of a secret URL that identify it on their own: without its credentials, its path and query, and
 * path segments that look like tokens (a webhook id, a check UUID). A server that echoes only its path back in an
 * error must not reveal it either.
 */
function secretUrlParts(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const parts: string[] = [];
  url.username = '';
  url.password = '';
  parts.push(url.href);
  if (url.pathname.length > 1 || url.search) parts.push(`${url.pathname}${url.search}`);
  for (const segment of url.pathname.split('/')) {
    if (segment.length >= 12 || (segment.length >= 8 && /\d/.test(segment))) parts.push(decodeURIComponent(segment));
  }
  return parts;
}

/** Registers every secret value of a config with the redactor. */
export function registerSecrets(root: unknown, redactor: Redactor): void {
  walkSecrets(root, redactor, [], typesOf(root));
}

function walkSecrets(value: unknown, redactor: Redactor, path: ConfigPath, typeAt: TargetTypeAt): void {
  if (typeof value === 'string') {
    if (isSecretPath(path, typeAt)) {
      redactor.add(value);
      for (const part of secretUrlParts(value)) redactor.add(part);
    }
    redactor.add(urlPassword(value));
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkSecrets(item, redactor, [...path, i], typeAt));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walkSecrets(item, redactor, [...path, key], typeAt);
  }
}

/** A copy of the config for display with every secret replaced by `***`. */
export function maskSecrets(root: unknown, redactor: Redactor): unknown {
  const typeAt = typesOf(root);
  const mask = (value: unknown, path: ConfigPath): unknown => {
    if (typeof value === 'string') return isSecretPath(path, typeAt) ? MASK : redactor.redact(value);
    if (Array.isArray(value)) return value.map((item, i) => mask(item, [...path, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, [...path, k])]));
    }
    return value;
  };
  return mask(root, []);
}
