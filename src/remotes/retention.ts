// Remote retention for one host's target (DESIGN §11): only complete snapshotter backups under that host's prefix
// are candidates, the newest is never deleted, the manifest goes first (so a half-deleted backup never looks
// complete) and the archive last; a delete refused by object lock leaves the backup "kept, locked".
import type { Retention } from '../config/common.js';
import { MANIFEST_SUFFIX, SIDECAR_SUFFIX } from '../archive/names.js';
import { decideWithPins } from '../retention/apply.js';
import { describeReasons, type Dated } from '../retention/policy.js';
import { readRemoteCatalog } from './catalog.js';
import type { RemoteStore } from './types.js';

export interface RemotePrune {
  /** Deleted (or in a dry run: would be deleted), newest first. */
  deleted: string[];
  /** Due for deletion but refused by object lock. */
  locked: string[];
  kept: { name: string; reasons: string }[];
  /** Archive-named objects that are not complete backups: never touched. */
  not_backups: { name: string; reason: string }[];
}

export interface RemotePruneOptions {
  dryRun: boolean;
  /** Never deleted whatever the policy says (the backup this run wrote). */
  pinned?: readonly string[];
  /** A backup counted as if it were already there (run --dry-run). */
  planned?: Dated;
}

/** Applies a policy to one host's target on a remote; with dryRun only decides (list and get calls only). */
export async function pruneRemote(
  store: RemoteStore,
  hostname: string,
  target: string,
  policy: Retention,
  options: RemotePruneOptions,
): Promise<RemotePrune> {
  const catalog = await readRemoteCatalog(store, hostname, target);
  const candidates: Dated[] = [...catalog.complete];
  if (options.planned && !candidates.some((b) => b.name === options.planned!.name)) candidates.push(options.planned);
  const decision = decideWithPins(candidates, policy, options.pinned);
  const outcome: RemotePrune = {
    deleted: [],
    locked: [],
    kept: decision.keep.map((k) => ({ name: k.backup.name, reasons: describeReasons(k.reasons) })),
    not_backups: catalog.incomplete.map((b) => ({ name: b.name, reason: b.reason })),
  };
  for (const backup of decision.remove) {
    const key = catalog.complete.find((b) => b.name === backup.name)!.key;
    if (options.dryRun) {
      outcome.deleted.push(backup.name);
      continue;
    }
    const first = await store.delete(key + MANIFEST_SUFFIX);
    const rest = first === 'locked' ? [] : [await store.delete(key + SIDECAR_SUFFIX), await store.delete(key)];
    if (first === 'locked' || rest.includes('locked')) outcome.locked.push(backup.name);
    else outcome.deleted.push(backup.name);
  }
  return outcome;
}
