// What backups each target has, for `list` and `status`: complete local backups from the catalog and, for targets
// that can list them, provider snapshots (read-only). Newest first; failures are values.
import { join } from 'node:path';
import { readCatalog } from '../archive/catalog.js';
import { loadTarget, targetSpec, type TargetConfig } from '../targets/registry.js';
import type { PlanContext } from '../targets/types.js';
import { FUTURE_DATED, isFutureDated } from '../retention/future.js';
import { errorMessage } from '../util/errors.js';
import type { RunContext } from './run-target.js';

export interface ListedBackup {
  name: string;
  /** ISO time from the archive name's UTC stamp (or the provider's creation time). */
  time: string;
  age_seconds: number;
  size_bytes: number | null;
  /** `complete` for local backups (`future_dated` when stamped after now + 5 min); the provider's state for snapshots. */
  state: string;
  location: 'local' | 'remote';
}

export interface TargetInventory {
  name: string;
  type: string;
  backups: ListedBackup[];
  /** Archive-named files that are not complete backups (not listed as backups). */
  not_backups: { name: string; reason: string }[];
  error: string | null;
}

/** The context a read-only target call gets (the same a dry-run plan gets). */
function planContext(run: RunContext, target: TargetConfig): PlanContext {
  return {
    target: target.name,
    hostname: run.config.hostname,
    backupDir: run.config.backup_dir,
    targetDir: join(run.config.backup_dir, target.name),
    logger: run.logger.child({ target: target.name }),
    signal: run.signal,
    now: run.now,
    redactor: run.redactor,
    env: run.env,
  };
}

const age = (time: Date, now: Date): number => Math.max(0, Math.round((now.getTime() - time.getTime()) / 1000));

/** Lists one target's backups, local and remote, newest first. */
async function inventoryOf(run: RunContext, target: TargetConfig, now: Date): Promise<TargetInventory> {
  const spec = targetSpec(target);
  const result: TargetInventory = { name: target.name, type: target.type, backups: [], not_backups: [], error: null };
  try {
    if (spec.storage === 'archive') {
      const catalog = await readCatalog(join(run.config.backup_dir, target.name), target.name);
      for (const b of catalog.complete) {
        result.backups.push({
          name: b.name,
          time: b.time.toISOString(),
          age_seconds: age(b.time, now),
          size_bytes: b.size_bytes,
          state: isFutureDated(b.time, now) ? FUTURE_DATED : 'complete',
          location: 'local',
        });
      }
      const future = result.backups.filter((b) => b.state === FUTURE_DATED).map((b) => b.name);
      if (future.length > 0)
        run.logger.warn({ target: target.name, future }, 'backups stamped in the future: never counted as the newest');
      result.not_backups = catalog.incomplete.map((b) => ({ name: b.name, reason: b.reason }));
    }
    const module = spec.storage === 'cloud' ? await loadTarget(target) : undefined;
    if (module?.listRemote) {
      for (const b of await module.listRemote(planContext(run, target), target)) {
        result.backups.push({
          name: b.name,
          time: b.time.toISOString(),
          age_seconds: age(b.time, now),
          size_bytes: b.size_bytes,
          state: b.state,
          location: 'remote',
        });
      }
    }
  } catch (error) {
    result.error = run.redactor.redact(errorMessage(error));
    run.logger.error({ target: target.name, error: result.error }, 'could not list backups');
  }
  result.backups.sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || (a.name < b.name ? 1 : -1));
  return result;
}

/** Lists the backups of every selected target. */
export async function inventory(run: RunContext, selected: readonly TargetConfig[]): Promise<TargetInventory[]> {
  const now = run.now();
  const all: TargetInventory[] = [];
  for (const target of selected) all.push(await inventoryOf(run, target, now));
  return all;
}

export type Freshness = 'ok' | 'stale' | 'missing' | 'error';

export interface TargetStatus {
  name: string;
  type: string;
  newest: ListedBackup | null;
  max_age_seconds: number | null;
  status: Freshness;
  /** Backups stamped in the future: listed, never counted as the newest. */
  future_dated: string[];
  error: string | null;
}

/** Freshness of each target: `maxAgeMs` (the flag) wins over the target's `max_age`; none or an error is not ok. */
export function freshness(
  targets: readonly TargetConfig[],
  listed: readonly TargetInventory[],
  maxAgeMs: number | undefined,
): TargetStatus[] {
  return listed.map((inv) => {
    const config = targets.find((t) => t.name === inv.name);
    const limit = maxAgeMs ?? config?.max_age;
    const newest = inv.backups.find((b) => b.state !== FUTURE_DATED) ?? null;
    let status: Freshness = 'ok';
    if (inv.error !== null) status = 'error';
    else if (newest === null) status = 'missing';
    else if (limit !== undefined && newest.age_seconds * 1000 > limit) status = 'stale';
    return {
      name: inv.name,
      type: inv.type,
      newest,
      max_age_seconds: limit === undefined ? null : limit / 1000,
      status,
      future_dated: inv.backups.filter((b) => b.state === FUTURE_DATED).map((b) => b.name),
      error: inv.error,
    };
  });
}
