// One Prometheus backup: remove what crashed runs left, make a snapshot, record it, archive it, remove it again —
// on success and on failure, since Prometheus never removes snapshots and they would fill its disk.
import type { BackupOutcome, TargetContext } from '../types.js';
import { formatDuration } from '../../util/duration.js';
import { errorMessage } from '../../util/errors.js';
import { createSnapshot, makeApi, PrometheusError, readFlags, tsdbPathOf, type Api } from './api.js';
import { DockerError } from './docker.js';
import { dataDirProblem } from './host.js';
import type { PrometheusTarget } from './schema.js';
import { StateFile, type PendingSnapshot } from './state.js';
import { tsdbPathProblem } from './tsdb-path.js';
import { locatedStore, storeFor, type SnapshotStore } from './store.js';

const DATA_DIR_HINT = "data_dir must be the host path of Prometheus' --storage.tsdb.path";

/** Removes the snapshots that earlier runs recorded and did not remove; a failure is a warning, kept for later. */
async function removeLeftovers(ctx: TargetContext, config: PrometheusTarget, state: StateFile): Promise<string[]> {
  const removed: string[] = [];
  for (const pending of await state.read()) {
    const store = locatedStore(pending.data_dir, pending.container, config.docker_command, 0, ctx.env);
    try {
      const existed = await store.remove(pending.name);
      await state.remove(pending);
      if (existed) removed.push(pending.name);
      if (existed) ctx.logger.info({ snapshot: store.where(pending.name) }, 'removed a snapshot left by an earlier run');
    } catch (error) {
      ctx.warn('leftover_snapshot', `cannot remove ${store.where(pending.name)}, left by an earlier run: ${errorMessage(error)}`);
    }
  }
  return removed;
}

/** The error for a snapshot that Prometheus made but that is not where data_dir says. */
async function notFound(api: Api, config: PrometheusTarget, store: SnapshotStore, name: string): Promise<PrometheusError> {
  const reported = await readFlags(api).then(tsdbPathOf, () => undefined);
  const own = reported ? ` (Prometheus reports ${reported})` : '';
  return new PrometheusError(
    `Prometheus made the snapshot ${name}, but ${store.where(name)} did not appear within ${formatDuration(config.snapshot_wait)}: ` +
      `${DATA_DIR_HINT}${own} — a wrong path, or the container's volume is not mounted on this host. ` +
      `The snapshot stays in Prometheus' own data dir: remove snapshots/${name} there by hand`,
  );
}

/** Archives the snapshot through the sink: entries `<name>/<block>/...`. */
async function archive(
  ctx: TargetContext,
  config: PrometheusTarget,
  store: SnapshotStore,
  api: Api,
  name: string,
): Promise<BackupOutcome> {
  ctx.step(`the snapshot ${store.where(name)}`);
  if (!(await store.wait(name, ctx.signal))) throw await notFound(api, config, store, name);
  const source = store.open(name, ctx.signal);
  let blocks: number | null = null;
  let info;
  try {
    info = await ctx.archive.write({
      format: 'tar',
      source: source.stream,
      describe: {
        url: config.url,
        data_dir: store.dataDir,
        container: store.container ?? null,
        snapshot: name,
        skip_head: config.skip_head,
      },
      finish: async () => {
        const done = await source.finish();
        blocks = done.blocks;
        if (blocks !== 0) return { entries: done.entries };
        const warning = {
          code: 'empty_snapshot',
          message: `the snapshot ${name} holds no TSDB blocks (with skip_head, only blocks already written to disk are included)`,
        };
        ctx.warn(warning.code, warning.message);
        return { entries: done.entries, warnings: [warning] };
      },
    });
  } catch (error) {
    source.abort();
    if (error instanceof DockerError) {
      throw new PrometheusError(
        `${error.message} — expected the snapshot at ${store.where(name)}: data_dir must be Prometheus' --storage.tsdb.path inside the container`,
        { cause: error },
      );
    }
    throw error;
  }
  return {
    artifact: info.name,
    size_bytes: info.size_bytes,
    sha256: info.sha256,
    details: { snapshot_name: name, blocks, entries: info.entries, uncompressed_bytes: info.uncompressed_bytes },
  };
}

/** The target's backup: the snapshot is removed whatever happens after Prometheus made it. */
export async function backupPrometheus(ctx: TargetContext, config: PrometheusTarget): Promise<BackupOutcome> {
  const state = new StateFile(ctx.targetDir);
  const leftovers = await removeLeftovers(ctx, config, state);
  const store = storeFor(config, ctx.env);
  if (store.container === undefined) {
    const problem = await dataDirProblem(store.dataDir);
    // Checked before the snapshot: one made where we cannot see it could not be removed.
    if (problem) throw new PrometheusError(`${problem}: ${DATA_DIR_HINT}`);
  }
  const api = makeApi(config, ctx.redactor, ctx.signal);
  ctx.step(`Prometheus at ${config.url}`);
  // Read-only, before the snapshot: one made in another data dir would be one we cannot find or remove.
  const mismatch = await tsdbPathProblem(tsdbPathOf(await readFlags(api)), store);
  if (mismatch) throw new PrometheusError(`${mismatch}; no snapshot was made`);
  const name = await createSnapshot(api, config.skip_head);
  ctx.logger.info({ snapshot: store.where(name) }, 'snapshot made');
  const pending: PendingSnapshot = {
    name,
    data_dir: store.dataDir,
    container: store.container,
    created_at: ctx.now().toISOString(),
  };

  let outcome: BackupOutcome | undefined;
  let failure: unknown;
  try {
    await state.add(pending);
    outcome = await archive(ctx, config, store, api, name);
  } catch (error) {
    failure = error;
  }
  try {
    const removed = await store.remove(name);
    await state.remove(pending);
    if (removed) ctx.logger.info({ snapshot: store.where(name) }, 'snapshot removed');
  } catch (error) {
    const message = `cannot remove the snapshot ${store.where(name)}: ${errorMessage(error)} (the next run tries again)`;
    if (failure !== undefined) failure = new PrometheusError(`${errorMessage(failure)}; also ${message}`, { cause: failure });
    else ctx.warn('snapshot_not_removed', message);
  }
  if (failure !== undefined || outcome === undefined) throw failure;
  return { ...outcome, details: { ...outcome.details, leftover_snapshots_removed: leftovers } };
}
