// Which config values are secrets: by key (tokens, passwords), by place (header values, notification URLs)
// and by origin (anything read from a `*_file`). Each is registered with the redactor by value.
import { MASK, type Redactor } from '../util/redact.js';

/** Keys whose value is a secret wherever they appear; each may also be given as `<key>_file`. */
export const SECRET_KEYS = new Set([
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

/** Whether the value at this path of the config is a secret. */
export function isSecretPath(path: ConfigPath): boolean {
  const last = path.at(-1);
  if (typeof last === 'string' && SECRET_KEYS.has(last)) return true;
  if (path.includes('headers')) return path.indexOf('headers') === path.length - 2;
  return path[0] === 'notifications' && last === 'url';
}

/** Whether `<key>_file` may stand for this key at this path. */
export function acceptsFileFor(path: ConfigPath, key: string): boolean {
  return isSecretPath([...path, key]);
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

/** Registers every secret value of a parsed config with the redactor. */
export function registerSecrets(value: unknown, redactor: Redactor, path: ConfigPath = []): void {
  if (typeof value === 'string') {
    if (isSecretPath(path)) {
      redactor.add(value);
      for (const part of secretUrlParts(value)) redactor.add(part);
    }
    redactor.add(urlPassword(value));
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => registerSecrets(item, redactor, [...path, i]));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) registerSecrets(item, redactor, [...path, key]);
  }
}

/** A copy of the config for display with every secret replaced by `***`. */
export function maskSecrets(value: unknown, redactor: Redactor, path: ConfigPath = []): unknown {
  if (typeof value === 'string') return isSecretPath(path) ? MASK : redactor.redact(value);
  if (Array.isArray(value)) return value.map((item, i) => maskSecrets(item, redactor, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, redactor, [...path, k])]));
  }
  return value;
}
