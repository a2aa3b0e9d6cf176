// Copies one target's complete local backups to one remote: every backup the remote lacks, the given one first;
// per backup archive → (checked: size and sha256 metadata) → sidecar → manifest, so the manifest, which makes a
// remote backup complete, only goes up once the archive is known good.
import { readFile } from 'node:fs/promises';
import type { Backup } from '../archive/catalog.js';
import { MANIFEST_SUFFIX, parseArchiveName, SIDECAR_SUFFIX } from '../archive/names.js';
import type { Logger } from '../logging/logger.js';
import { archivesIn, targetPrefix } from './catalog.js';
import type { PendingUpload, RemoteStore } from './types.js';

/** The local backups a remote lacks (no listed manifest, or an archive of another size), `first` leading. */
export async function missingOn(
  store: RemoteStore,
  hostname: string,
  target: string,
  local: readonly Backup[],
  first?: string | null,
): Promise<Backup[]> {
  const prefix = targetPrefix(store, hostname, target);
  const present = new Set(
    archivesIn(await store.list(prefix), prefix, target)
      .filter((a) => a.manifest && a.sidecar)
      .map((a) => `${a.name}\0${a.size_bytes}`),
  );
  const missing = local.filter((b) => !present.has(`${b.name}\0${b.size_bytes}`));
  return missing.sort((a, b) => (a.name === first ? -1 : b.name === first ? 1 : 0));
}

/**
 * Multipart uploads of this host's target that a killed run left behind: under its prefix, of an archive name of
 * the target, started before this run (the run holds the target's lock, so no other run of ours is uploading).
 */
export async function staleUploads(store: RemoteStore, hostname: string, target: string, before: Date): Promise<PendingUpload[]> {
  const prefix = targetPrefix(store, hostname, target);
  return (await store.listUploads(prefix)).filter((u) => {
    const name = u.key.slice(prefix.length);
    return !name.includes('/') && parseArchiveName(target, name) !== undefined && u.initiated < before;
  });
}

/** Uploads one complete local backup; throws (naming the remote) when any step fails or the archive disagrees. */
export async function uploadBackup(store: RemoteStore, prefix: string, backup: Backup, logger: Logger): Promise<void> {
  const key = prefix + backup.name;
  logger.info({ archive: backup.name, size_bytes: backup.size_bytes }, 'uploading');
  await store.putFile(key, backup.path, backup.size_bytes, backup.sha256);
  const head = await store.head(key);
  if (!head || head.size !== backup.size_bytes || head.sha256 !== backup.sha256) {
    const found = head ? `${head.size} bytes, sha256 ${head.sha256 ?? 'missing'}` : 'nothing';
    throw new Error(
      `${store.where}: ${key}: the uploaded archive does not match (found ${found}; expected ${backup.size_bytes} bytes, sha256 ${backup.sha256}); the manifest was not uploaded`,
    );
  }
  await store.putText(key + SIDECAR_SUFFIX, await readFile(backup.path + SIDECAR_SUFFIX, 'utf8'));
  await store.putText(key + MANIFEST_SUFFIX, await readFile(backup.path + MANIFEST_SUFFIX, 'utf8'));
  logger.info({ archive: backup.name }, 'uploaded');
}
