// Whether data_dir is where Prometheus says it keeps its TSDB (`--storage.tsdb.path`, from the read-only flags):
// checked by the dry run and before every snapshot, so no snapshot is made that this target then cannot find.
import { realpath } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { SnapshotStore } from './store.js';

/**
 * Why data_dir is not Prometheus' TSDB, or undefined when it is (or cannot be told). In a container the paths must
 * be equal; on this host a different path is accepted only when the reported one is not a folder here (a
 * container's path, mounted elsewhere on the host); a relative reported path is relative to an unknown folder.
 */
export async function tsdbPathProblem(reported: string | undefined, store: SnapshotStore): Promise<string | undefined> {
  if (reported === undefined || reported === store.dataDir) return undefined;
  const problem = `Prometheus reports --storage.tsdb.path=${reported}, but data_dir is ${store.dataDir}`;
  if (store.container !== undefined) return `${problem}: data_dir must be that path inside the container`;
  if (!isAbsolute(reported)) return undefined;
  const [theirs, ours] = await Promise.all([realpath(reported).catch(() => undefined), realpath(store.dataDir).catch(() => '')]);
  if (theirs === undefined || theirs === ours) return undefined;
  return `${problem}: data_dir must be the host path of Prometheus' --storage.tsdb.path`;
}
