// Config check: every remote a target or `defaults.remotes` names exists, and remote names are unique.
import type { ConfigPath } from '../config/secrets.js';

export interface NameProblem {
  path: ConfigPath;
  message: string;
}

function listAt(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Problems with remote names in a validated-shape raw config (positions come from the raw paths). */
export function remoteNameProblems(raw: Record<string, unknown>, remoteNames: readonly string[]): NameProblem[] {
  const problems: NameProblem[] = [];
  const seen = new Set<string>();
  remoteNames.forEach((name, i) => {
    if (seen.has(name)) problems.push({ path: ['remotes', i, 'name'], message: `duplicate remote name "${name}"` });
    seen.add(name);
  });
  const known = remoteNames.length > 0 ? remoteNames.join(', ') : 'no remotes are configured';
  const check = (list: unknown, path: ConfigPath): void =>
    listAt(list).forEach((name, j) => {
      if (typeof name === 'string' && !seen.has(name))
        problems.push({ path: [...path, j], message: `no remote is named "${name}" (configured: ${known})` });
    });
  const defaults = raw.defaults as Record<string, unknown> | undefined;
  check(defaults?.remotes, ['defaults', 'remotes']);
  listAt(raw.targets).forEach((t, i) => {
    if (t && typeof t === 'object' && 'remotes' in t) check((t as Record<string, unknown>).remotes, ['targets', i, 'remotes']);
  });
  return problems;
}
