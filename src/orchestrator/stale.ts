// Leftovers of crashed runs, removed by the next run that holds the lock: hidden temporary files whose process is
// provably gone (same host; another boot, or no such pid), and sidecars or manifests of ours whose archive never
// took its name (a crash between the final renames). A sidecar goes only when it is exactly a checksum line naming
// the absent archive, a manifest only when it is ours for that archive: a person's notes file is never deleted.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeQuietly } from '../archive/atomic.js';
import { parseManifest, parseSidecar } from '../archive/manifest.js';
import { MANIFEST_SUFFIX, parseArchiveName, SIDECAR_SUFFIX, tempOwner } from '../archive/names.js';
import { ownerGone } from '../archive/temp-owner.js';

/** A sidecar or manifest of ours is small; anything larger is someone else's file. */
const MAX_META_BYTES = 1024 * 1024;

async function listNames(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
    throw error;
  });
}

/** The text of a small regular file, else undefined (a folder, a link, unreadable, too large). */
async function smallFile(path: string): Promise<string | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isFile() || info.size > MAX_META_BYTES) return undefined;
  return readFile(path, 'utf8').catch(() => undefined);
}

/** A temporary file whose writer is provably gone, and which is a regular file. */
async function isStaleTemp(path: string, name: string): Promise<boolean> {
  const owner = tempOwner(name);
  if (!owner || !ownerGone(owner)) return false;
  const info = await lstat(path).catch(() => undefined);
  return info?.isFile() === true;
}

/** A lone sidecar or manifest that snapshotter wrote for `archive` (absent). */
async function isOurOrphan(path: string, target: string, archive: string, suffix: string): Promise<boolean> {
  const text = await smallFile(path);
  if (text === undefined) return false;
  if (suffix === SIDECAR_SUFFIX) return parseSidecar(text, archive) !== undefined;
  const manifest = parseManifest(text);
  return manifest?.archive === archive && manifest.target.name === target;
}

/** Removes stale temporary files from the backup folder and the given targets' folders; returns what it removed. */
export async function removeStaleFiles(backupDir: string, targets: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  const remove = async (path: string): Promise<void> => {
    await removeQuietly(path);
    removed.push(path);
  };
  for (const name of await listNames(backupDir)) {
    if (await isStaleTemp(join(backupDir, name), name)) await remove(join(backupDir, name));
  }
  for (const target of targets) {
    const dir = join(backupDir, target);
    const names = await listNames(dir);
    const present = new Set(names);
    for (const name of names) {
      const path = join(dir, name);
      if (tempOwner(name)) {
        if (await isStaleTemp(path, name)) await remove(path);
        continue;
      }
      const suffix = [SIDECAR_SUFFIX, MANIFEST_SUFFIX].find((s) => name.endsWith(s));
      if (!suffix) continue;
      const archive = name.slice(0, -suffix.length);
      if (present.has(archive) || !parseArchiveName(target, archive)) continue;
      if (await isOurOrphan(path, target, archive, suffix)) await remove(path);
    }
  }
  return removed;
}
