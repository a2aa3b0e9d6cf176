// The environment a hook runs in: a minimal base taken from snapshotter's own environment plus the SNAPSHOTTER_*
// facts. Never the whole environment: it may hold the config's secrets (DO_TOKEN, PGPASSWORD...).
import type { HookEvent } from './schema.js';

const BASE_NAMES = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'USER', 'SHELL'];

/** cron's own PATH is short; a hook without any PATH still finds the usual system tools. */
const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What a hook is told about the moment it runs in. */
export interface HookFacts {
  event: HookEvent;
  /** The target's name and type; empty for the run's own hooks. */
  target: string;
  type: string;
  /** `success` or `failure`; empty in `before`. */
  status: '' | 'success' | 'failure';
  /** The committed archive's path, when the target wrote one. */
  archive: string;
  hostname: string;
}

/** The environment of a hook: PATH, HOME, LANG, LC_*, TZ, TMPDIR, USER, SHELL and the SNAPSHOTTER_* variables. */
export function hookEnv(from: NodeJS.ProcessEnv, facts: HookFacts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value !== undefined && (BASE_NAMES.includes(name) || name.startsWith('LC_'))) env[name] = value;
  }
  env.PATH ??= FALLBACK_PATH;
  env.SNAPSHOTTER_EVENT = facts.event;
  env.SNAPSHOTTER_TARGET = facts.target;
  env.SNAPSHOTTER_TYPE = facts.type;
  env.SNAPSHOTTER_STATUS = facts.status;
  env.SNAPSHOTTER_ARCHIVE = facts.archive;
  env.SNAPSHOTTER_HOSTNAME = facts.hostname;
  return env;
}
