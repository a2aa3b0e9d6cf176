// The environment a child process gets: a minimal base from snapshotter's own (so other targets' and notifiers'
// secrets never reach it), plus the variables its target sets. DOCKER_* is kept for the docker CLI's own settings.
const BASE = new Set(['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'USER', 'LOGNAME']);
const BASE_PREFIXES = ['LC_', 'DOCKER_'];

/** Whether a variable of snapshotter's environment is passed on to every child. */
export function isBaseVariable(name: string): boolean {
  return BASE.has(name) || BASE_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** The base variables of `env` plus the target's own `extra` (which wins). */
export function childEnv(env: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && isBaseVariable(name)) out[name] = value;
  return { ...out, ...extra };
}
