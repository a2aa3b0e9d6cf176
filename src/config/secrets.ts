// Which config values are secrets: the keys each target, remote and notifier type declares (read through their
// registries: targets/<type>/schema.ts, remotes/<type>/schema.ts, notifiers/<kind>/index.ts), a few names that are
// secrets wherever they appear, and by origin (anything read from a `*_file`). Each is registered with the
// redactor by value.
import { NOTIFIER_KINDS, notifierModules } from '../notifiers/registry.js';
import { remoteSecrets } from '../remotes/registry.js';
import { specOf, TARGET_TYPES } from '../targets/registry.js';
import { MASK, type Redactor } from '../util/redact.js';

/**
 * Names that are a secret wherever they appear outside a declared type (a safety net: a section that forgets to
 * declare its password still masks it); each may also be given as `<key>_file`.
 */
const GLOBAL_SECRET_KEYS = new Set(['token', 'password', 'secret', 'api_key']);

export type ConfigPath = readonly (string | number)[];
/** The `type` of `targets[i]` or `remotes[i]` in the config at hand. */
export type TypeAt = (section: 'targets' | 'remotes', index: number) => unknown;

/** A type's secret keys; for a type nobody registered (an invalid config), every type's keys: fail closed. */
function targetSecretKeys(type: unknown): readonly string[] {
  const spec = typeof type === 'string' ? specOf(type) : undefined;
  return spec ? spec.secrets : TARGET_TYPES.flatMap((t) => specOf(t)!.secrets);
}

/** A remote type's secret keys; every type's for an unknown one. */
function remoteSecretKeys(type: unknown): readonly string[] {
  const own = typeof type === 'string' && Object.hasOwn(remoteSecrets, type) ? remoteSecrets[type] : undefined;
  return own ?? Object.values(remoteSecrets).flat();
}

/** A notifier kind's secret keys; every kind's for an unknown one. */
function notifierSecretKeys(kind: unknown): readonly string[] {
  const known = NOTIFIER_KINDS.find((k) => k === kind);
  return known ? notifierModules[known].secrets : NOTIFIER_KINDS.flatMap((k) => notifierModules[k].secrets);
}

/** `password`, `basic_auth.password`, `headers.*` against a path inside one entry. */
function matchesKey(pattern: string, rel: readonly (string | number)[]): boolean {
  const parts = pattern.split('.');
  return parts.length === rel.length && parts.every((p, i) => p === '*' || p === String(rel[i]));
}

/** The declared secret keys of the typed entry this path lies in, and the path inside it; undefined elsewhere. */
function declaredKeys(path: ConfigPath, typeAt: TypeAt): [readonly string[], ConfigPath] | undefined {
  const [section, index] = path;
  if (section === 'targets' && typeof index === 'number') return [targetSecretKeys(typeAt(section, index)), path.slice(2)];
  if (section === 'remotes' && typeof index === 'number') return [remoteSecretKeys(typeAt(section, index)), path.slice(2)];
  if (section === 'notifications' && typeof path[2] === 'number') return [notifierSecretKeys(index), path.slice(3)];
  return undefined;
}

/** Whether the value at this path of the config is a secret. */
export function isSecretPath(path: ConfigPath, typeAt: TypeAt = () => undefined): boolean {
  const declared = declaredKeys(path, typeAt);
  // A target's keys are exactly what its type declares (a filesystem `token` path is no secret).
  if (declared && path[0] === 'targets') return declared[0].some((key) => matchesKey(key, declared[1]));
  if (declared?.[0].some((key) => matchesKey(key, declared[1]))) return true;
  const last = path.at(-1);
  return typeof last === 'string' && GLOBAL_SECRET_KEYS.has(last);
}

/** Whether `<key>_file` may stand for this key at this path. */
export function acceptsFileFor(path: ConfigPath, key: string, typeAt?: TypeAt): boolean {
  return isSecretPath([...path, key], typeAt);
}

/** The target and remote types of a config value (raw or parsed). */
function typesOf(root: unknown): TypeAt {
  return (section, i) => {
    const list = root && typeof root === 'object' ? (root as Record<string, unknown>)[section] : undefined;
    return Array.isArray(list) ? (list[i] as { type?: unknown } | undefined)?.type : undefined;
  };
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

function walkSecrets(value: unknown, redactor: Redactor, path: ConfigPath, typeAt: TypeAt): void {
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
