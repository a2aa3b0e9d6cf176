// `restore --remote NAME ARCHIVE|--latest --target T`: download the backup's three objects into a staging folder
// beside the backups (never into a target's folder), so the usual restore verifies and restores it; removed after.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Session } from '../app.js';
import { ensureDir } from '../archive/atomic.js';
import { MANIFEST_SUFFIX, parseArchiveName, SIDECAR_SUFFIX } from '../archive/names.js';
import { readRemoteCatalog, targetPrefix } from '../remotes/catalog.js';
import { withRemote } from '../remotes/open.js';
import type { RemoteStore } from '../remotes/types.js';
import { RestoreError } from '../restore/restore-archive.js';
import type { TargetConfig } from '../targets/registry.js';
import { UsageError } from '../util/errors.js';

export interface Staged {
  path: string;
  target: TargetConfig;
  cleanup(): Promise<void>;
}

/** Which target and host an ARCHIVE argument means: `name` (this host) or `host/target/name`. */
function resolveName(
  session: Session,
  arg: string,
  targetName: string | undefined,
): { host: string; target: TargetConfig; name: string } {
  const parts = arg.split('/');
  const name = basename(arg);
  const host = parts.length === 3 ? parts[0]! : session.config.hostname;
  const candidates = session.config.targets.filter(
    (t) => (targetName ? t.name === targetName : true) && parseArchiveName(t.name, name) !== undefined,
  );
  const target = candidates.sort((a, b) => b.name.length - a.name.length)[0];
  if (!target) throw new UsageError(`${arg}: not an archive name of a configured target (<target>-<YYYYMMDDTHHMMSSZ>.<ext>)`);
  return { host, target, name };
}

async function download(store: RemoteStore, key: string, path: string, signal: AbortSignal): Promise<void> {
  await pipeline(await store.get(key), createWriteStream(path, { mode: 0o600 }), { signal });
}

/** Downloads the chosen remote backup into a fresh staging folder under backup_dir. */
export async function stageRemote(
  session: Session,
  remote: string,
  archiveArg: string | undefined,
  targetName: string | undefined,
  signal: AbortSignal,
): Promise<Staged> {
  const ctx = { logger: session.log.logger, signal };
  return withRemote(session.config, remote, ctx, async (store) => {
    let host = session.config.hostname;
    let target: TargetConfig;
    let name: string;
    if (archiveArg) ({ host, target, name } = resolveName(session, archiveArg, targetName));
    else {
      target = session.config.targets.find((t) => t.name === targetName)!;
      const newest = (await readRemoteCatalog(store, host, target.name)).complete[0];
      if (!newest) throw new RestoreError(`${store.where}: target "${target.name}" has no complete backup of host ${host}`);
      name = newest.name;
    }
    const key = targetPrefix(store, host, target.name) + name;
    if (!(await store.head(key + MANIFEST_SUFFIX))) {
      throw new RestoreError(`${store.where}: ${key} is not a complete backup (no manifest object)`);
    }
    await ensureDir(session.config.backup_dir);
    const dir = await mkdtemp(join(session.config.backup_dir, '.snapshotter-restore-'));
    const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
    try {
      session.log.logger.info({ key }, 'downloading the remote backup');
      const path = join(dir, name);
      await download(store, key, path, signal);
      await download(store, key + SIDECAR_SUFFIX, path + SIDECAR_SUFFIX, signal);
      await download(store, key + MANIFEST_SUFFIX, path + MANIFEST_SUFFIX, signal);
      return { path, target, cleanup };
    } catch (error) {
      await cleanup();
      throw error;
    }
  });
}
