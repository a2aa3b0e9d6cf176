// Loading a config: locate the file, parse YAML with positions, substitute ${VAR}, read *_file secrets,
// validate strictly (each target through its module's schema), and register every secret with the redactor.
import { existsSync, statSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { unknownFilterTargets } from '../notifiers/plan.js';
import { remoteNameProblems } from '../remotes/names.js';
import { specOf, TARGET_TYPES, type TargetConfig } from '../targets/registry.js';
import { ConfigError } from '../util/errors.js';
import { Redactor } from '../util/redact.js';
import { RootConfig, type Config } from './schema.js';
import { applyLevelDefault, compressionProblems } from './compression.js';
import { closestKey, knownKeys, plainTypeMessage } from './messages.js';
import { registerSecrets, type ConfigPath } from './secrets.js';
import { formatPath, readYamlSource, type YamlSource } from './yaml-source.js';

// A config is parsed once per process: zod's JIT (a generated parser per object schema, compiled on first use)
// costs more than it saves for one parse. Same results and issues either way.
const ONE_SHOT = { jitless: true } as const;

export const DEFAULT_CONFIG_PATHS = ['./snapshotter.yaml', '/etc/snapshotter/snapshotter.yaml'];

/** The config path: the flag, then $SNAPSHOTTER_CONFIG, then ./snapshotter.yaml, then /etc/snapshotter/. */
export function locateConfig(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return resolve(flag);
  if (env.SNAPSHOTTER_CONFIG) return resolve(env.SNAPSHOTTER_CONFIG);
  const found = DEFAULT_CONFIG_PATHS.find((p) => existsSync(p));
  if (!found) {
    throw new ConfigError(`no config file: pass -c FILE, set SNAPSHOTTER_CONFIG, or create ${DEFAULT_CONFIG_PATHS.join(' or ')}`);
  }
  return resolve(found);
}

export interface LoadedConfig {
  config: Config;
  redactor: Redactor;
  /** Problems worth a warning that do not stop the run (a world-readable file holding secrets). */
  warnings: string[];
}

function issueMessages(
  source: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  prefix: ConfigPath,
  schema: z.core.$ZodType,
): string[] {
  return issues.map((issue) => {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path as (string | number)[]);
      return issue.keys
        .map((key) => {
          const near = closestKey(key, known);
          const hint = near ? ` (did you mean "${near}"?)` : '';
          return `${source.where(path, key)}: ${formatPath([...path, key])}: unknown key "${key}"${hint}`;
        })
        .join('\n');
    }
    const message = /received undefined$/.test(issue.message)
      ? 'missing (this key is required)'
      : plainTypeMessage(issue.message);
    return `${source.where(path)}: ${formatPath(path)}: ${message}`;
  });
}

/** Relative paths in the config are relative to the config file's folder. */
function resolvePaths(raw: Record<string, unknown>, base: string): void {
  const fix = (value: unknown): unknown =>
    typeof value === 'string' && value !== '' && !isAbsolute(value) ? join(base, value) : value;
  for (const key of ['backup_dir', 'lock_file']) if (key in raw) raw[key] = fix(raw[key]);
  for (const [section, key] of [
    ['log', 'file'],
    ['metrics', 'textfile'],
  ] as const) {
    const obj = raw[section];
    if (obj && typeof obj === 'object' && key in obj)
      (obj as Record<string, unknown>)[key] = fix((obj as Record<string, unknown>)[key]);
  }
  if (!Array.isArray(raw.targets)) return;
  for (const target of raw.targets) {
    if (!target || typeof target !== 'object') continue;
    const t = target as Record<string, unknown>;
    // Each type declares its path keys next to its schema.
    for (const key of typeof t.type === 'string' ? (specOf(t.type)?.paths ?? []) : []) {
      if (Array.isArray(t[key])) t[key] = (t[key] as unknown[]).map(fix);
      else if (key in t) t[key] = fix(t[key]);
    }
  }
  for (const holder of [raw.defaults, ...(raw.targets as unknown[])]) {
    const e = (holder as { encryption?: unknown } | undefined)?.encryption;
    if (e && typeof e === 'object' && 'age_recipients_file' in e) {
      (e as Record<string, unknown>).age_recipients_file = fix((e as Record<string, unknown>).age_recipients_file);
    }
  }
}

function parseTargets(source: YamlSource, root: z.infer<typeof RootConfig>): { targets: TargetConfig[]; errors: string[] } {
  const errors: string[] = [];
  const targets: TargetConfig[] = [];
  const seen = new Map<string, number>();
  const types: readonly string[] = TARGET_TYPES;
  root.targets.forEach((raw, index) => {
    const path = ['targets', index];
    const type = raw.type;
    const module = typeof type === 'string' ? specOf(type) : undefined;
    if (!module) {
      errors.push(
        `${source.where([...path, 'type'])}: ${formatPath([...path, 'type'])}: ` +
          (type === undefined ? 'missing' : `unknown target type ${JSON.stringify(type)}`) +
          ` (one of ${types.join(', ')})`,
      );
      return;
    }
    const merged = { ...root.defaults, ...raw };
    applyLevelDefault(merged);
    const parsed = module.schema.safeParse(merged, ONE_SHOT);
    if (!parsed.success) {
      errors.push(...issueMessages(source, parsed.error.issues, path, module.schema));
      return;
    }
    const codecProblems = compressionProblems(source, parsed.data, raw, index);
    if (codecProblems.length > 0) {
      errors.push(...codecProblems);
      return;
    }
    const name = parsed.data.name;
    const first = seen.get(name);
    if (first !== undefined) {
      errors.push(
        `${source.where([...path, 'name'])}: ${formatPath([...path, 'name'])}: duplicate target name "${name}" (also targets[${first}])`,
      );
      return;
    }
    seen.set(name, index);
    targets.push(parsed.data as TargetConfig);
  });
  return { targets, errors };
}

/** Loads and validates a config file; every problem is a ConfigError naming file, line and key path. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const source = readYamlSource(file);
  source.substitute(env);
  source.resolveFiles();
  const raw = source.toJS();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}: the config must be a YAML mapping with backup_dir and targets`);
  }
  const rawCopy = structuredClone(raw) as Record<string, unknown>;
  resolvePaths(rawCopy, dirname(file));

  const parsed = RootConfig.safeParse(rawCopy, ONE_SHOT);
  if (!parsed.success) throw new ConfigError(issueMessages(source, parsed.error.issues, [], RootConfig).join('\n'));
  // Defaults validated above stay in their parsed form (ms, bytes); targets re-read them raw for positions.
  const rawDefaults = (rawCopy.defaults ?? {}) as Record<string, unknown>;
  const { targets, errors } = parseTargets(source, { ...parsed.data, defaults: rawDefaults });
  for (const { path, name } of errors.length > 0
    ? []
    : unknownFilterTargets(
        parsed.data.notifications,
        targets.map((t) => t.name),
      )) {
    errors.push(`${source.where(path)}: ${formatPath(path)}: no target is named "${name}"`);
  }
  const remoteNames = parsed.data.remotes.map((r) => r.name);
  for (const { path, message } of remoteNameProblems(rawCopy, remoteNames)) {
    errors.push(`${source.where(path)}: ${formatPath(path)}: ${message}`);
  }
  if (errors.length > 0) throw new ConfigError(errors.join('\n'));

  const redactor = new Redactor();
  registerSecrets(raw, redactor);
  for (const secret of source.fileSecrets) redactor.add(secret);

  const warnings: string[] = [];
  const mode = statSync(file).mode;
  if (redactor.size > 0 && (mode & 0o004) !== 0) {
    warnings.push(`${file} holds secrets and is readable by every user (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  }

  const config: Config = {
    ...parsed.data,
    file,
    hostname: parsed.data.hostname ?? osHostname(),
    lock_file: parsed.data.lock_file ?? join(parsed.data.backup_dir, '.snapshotter.lock'),
    targets,
  };
  return { config, redactor, warnings };
}
