// The one place that maps a target `type` to its module. Adding a target: its folder plus one line here.
// The spec (schema, secret and path keys, formats) loads eagerly — config validation needs it; the implementation
// (and its libraries) loads on first use, so a command loads only the types its config uses.
import {
  anyOfChecks,
  tarOnlyChecks,
  type CheckOptions,
  type ContentCheck,
  type ContentCheckResolver,
} from '../archive/content-check.js';
import type { TargetBase } from '../config/common.js';
import { digitaloceanSpec } from './digitalocean/schema.js';
import { filesystemSpec } from './filesystem/schema.js';
import { hetznerSpec } from './hetzner/schema.js';
import { mysqlSpec } from './mysql/schema.js';
import { postgresSpec } from './postgres/schema.js';
import { prometheusSpec } from './prometheus/schema.js';
import { redisSpec } from './redis/schema.js';
import { sqliteSpec } from './sqlite/schema.js';
import type { TargetModule, TargetSpec } from './types.js';

export interface RegisteredTarget<C extends TargetBase> extends TargetSpec<C> {
  /** The implementation, imported on first call. */
  load(): Promise<TargetModule<C>>;
}

function lazy<C extends TargetBase>(spec: TargetSpec<C>, load: () => Promise<TargetModule<C>>): RegisteredTarget<C> {
  return { ...spec, load };
}

export const targetRegistry = {
  filesystem: lazy(filesystemSpec, async () => (await import('./filesystem/index.js')).filesystemTarget),
  prometheus: lazy(prometheusSpec, async () => (await import('./prometheus/index.js')).prometheusTarget),
  postgres: lazy(postgresSpec, async () => (await import('./postgres/index.js')).postgresTarget),
  digitalocean: lazy(digitaloceanSpec, async () => (await import('./digitalocean/index.js')).digitaloceanTarget),
  hetzner: lazy(hetznerSpec, async () => (await import('./hetzner/index.js')).hetznerTarget),
  mysql: lazy(mysqlSpec, async () => (await import('./mysql/index.js')).mysqlTarget),
  redis: lazy(redisSpec, async () => (await import('./redis/index.js')).redisTarget),
  sqlite: lazy(sqliteSpec, async () => (await import('./sqlite/index.js')).sqliteTarget),
} as const;

export type TargetType = keyof typeof targetRegistry;
export type TargetConfig = {
  [K in TargetType]: (typeof targetRegistry)[K] extends RegisteredTarget<infer C> ? C : never;
}[TargetType];

export const TARGET_TYPES = Object.keys(targetRegistry) as TargetType[];

/** The spec of a type named in a config or a manifest; undefined for a type this version does not know. */
export function specOf(type: string): RegisteredTarget<TargetBase> | undefined {
  return Object.hasOwn(targetRegistry, type) ? targetRegistry[type as TargetType] : undefined;
}

/** The spec for a validated target config (sync: storage, secrets, formats). */
export function targetSpec(config: TargetConfig): RegisteredTarget<TargetBase> {
  return targetRegistry[config.type];
}

/** The implementation for a validated target config (imported on first use). */
export function loadTarget(config: TargetConfig): Promise<TargetModule<TargetBase>> {
  return targetSpec(config).load();
}

async function checkOf(
  spec: RegisteredTarget<TargetBase>,
  format: string,
  env: NodeJS.ProcessEnv,
  options: CheckOptions,
): Promise<ContentCheck> {
  const module = await spec.load();
  if (!module.check) throw new Error(`type ${spec.type} has no content check`);
  return module.check(format, env, options);
}

/**
 * Content checks by the manifest's target type. Without a manifest (or with a type this version does not know),
 * the types that write this format are asked, and one of their checks must pass.
 */
export const registryChecks =
  (env: NodeJS.ProcessEnv): ContentCheckResolver =>
  async ({ type, format, encrypted = false }) => {
    const spec = type === undefined ? undefined : specOf(type);
    if (spec) {
      if (!spec.formats.includes(format)) throw new Error(`a ${spec.type} target does not write .${format} archives`);
      return checkOf(spec, format, env, { encrypted });
    }
    const writers = TARGET_TYPES.map((t) => specOf(t)!).filter((s) => s.formats.includes(format));
    if (writers.length === 0) return tarOnlyChecks({ type, format });
    const checks = await Promise.all(writers.map((s) => checkOf(s, format, env, { encrypted })));
    return checks.length === 1 ? checks[0]! : anyOfChecks(checks);
  };
