// The remote phase of a run: after a target's local backup succeeded, copy it (and every complete local backup a
// remote lacks) to each of the target's remotes, then apply remote retention there. A failed copy fails the
// target: its local backup stays and the next run uploads it. Results go into `result.remotes`.
import { join } from 'node:path';
import { readCatalog } from '../archive/catalog.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { RemoteResult, TargetResult } from '../report.js';
import type { TargetConfig } from '../targets/registry.js';
import { formatDurationConfig } from '../util/duration.js';
import { errorMessage } from '../util/errors.js';
import type { Redactor } from '../util/redact.js';
import { targetPrefix } from './catalog.js';
import { missingOn, staleUploads, uploadBackup } from './copy.js';
import { openStore, preloadStores, type RemoteConfig } from './registry.js';
import { pruneRemote } from './retention.js';
import { RemoteDeadlineError } from './types.js';

export interface RemoteRun {
  config: Config;
  logger: Logger;
  redactor: Redactor;
  signal: AbortSignal;
  /** When the run started: multipart uploads of ours started before it were left by a killed run. */
  started?: Date;
}

/** The remote configs a target copies to (names were checked when the config loaded). */
export function remotesOf(config: Config, target: TargetConfig): RemoteConfig[] {
  return target.remotes.map((name) => config.remotes.find((r) => r.name === name)!);
}

async function copyTo(run: RemoteRun, target: TargetConfig, remote: RemoteConfig, result: TargetResult): Promise<RemoteResult> {
  const logger = run.logger.child({ target: target.name, remote: remote.name });
  const outcome: RemoteResult = {
    name: remote.name,
    type: remote.type,
    status: 'success',
    uploaded: [],
    deleted: [],
    locked: [],
    backups: null,
    error: null,
  };
  // The copy gets the target's `timeout` of its own (counted from its start): a hanging remote cannot hang the run.
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new RemoteDeadlineError(`gave up after ${formatDurationConfig(target.timeout)} (the target's timeout)`)),
    target.timeout,
  );
  const signal = AbortSignal.any([run.signal, deadline.signal]);
  const store = await openStore(remote, { logger, signal });
  try {
    const host = run.config.hostname;
    const local = (await readCatalog(join(run.config.backup_dir, target.name), target.name)).complete;
    const prefix = targetPrefix(store, host, target.name);
    for (const stale of await staleUploads(store, host, target.name, run.started ?? new Date())) {
      logger.warn(
        { key: stale.key, initiated: stale.initiated.toISOString() },
        'aborting a multipart upload an interrupted run left',
      );
      await store.abortUpload(stale.key, stale.uploadId);
    }
    for (const backup of await missingOn(store, host, target.name, local, result.artifact)) {
      await uploadBackup(store, prefix, backup, logger);
      outcome.uploaded.push(backup.name);
    }
    const pruned = await pruneRemote(store, host, target.name, remote.retention ?? target.retention, {
      dryRun: false,
      pinned: result.artifact ? [result.artifact] : [],
    });
    outcome.deleted = pruned.deleted;
    outcome.locked = pruned.locked;
    outcome.backups = pruned.kept.length + pruned.locked.length;
    if (pruned.deleted.length > 0 || pruned.locked.length > 0)
      logger.info({ deleted: pruned.deleted.length, locked: pruned.locked.length }, 'remote retention pruned');
  } catch (error) {
    outcome.status = 'failure';
    outcome.backups = null;
    outcome.error = run.redactor.redact(errorMessage(error));
    logger.error({ error: outcome.error, uploaded: outcome.uploaded }, 'copy to remote failed; the local backup is kept');
  } finally {
    clearTimeout(timer);
    store.close();
  }
  return outcome;
}

/** Copies a target that just succeeded to its remotes; any failed copy turns the target's result into a failure. */
export async function copyToRemotes(run: RemoteRun, target: TargetConfig, result: TargetResult): Promise<void> {
  if (result.status !== 'success' || target.remotes.length === 0) return;
  result.remotes = [];
  for (const remote of remotesOf(run.config, target)) {
    let outcome: RemoteResult;
    try {
      outcome = await copyTo(run, target, remote, result);
    } catch (error) {
      const message = run.redactor.redact(errorMessage(error));
      outcome = {
        name: remote.name,
        type: remote.type,
        status: 'failure',
        uploaded: [],
        deleted: [],
        locked: [],
        backups: null,
        error: message,
      };
    }
    result.remotes.push(outcome);
  }
  const failed = result.remotes.filter((r) => r.status === 'failure');
  if (failed.length === 0) return;
  result.status = 'failure';
  result.error = failed.map((r) => `copy to remote "${r.name}" failed: ${r.error}`).join('; ');
}

/** The run phase (composed in `run`): the copy runs before local retention, which skips a target whose copy failed. */
export function remotePhases(run: RemoteRun): {
  started(selected: readonly TargetConfig[]): Promise<void>;
  afterSuccess(target: TargetConfig, result: TargetResult): Promise<void>;
} {
  const started = run.started ?? new Date();
  return {
    // The selected targets' remote SDKs load while the first backup is made, not after it.
    started: (selected) => Promise.resolve(preloadStores(selected.flatMap((t) => remotesOf(run.config, t)))),
    afterSuccess: (target, result) => copyToRemotes({ ...run, started }, target, result),
  };
}
