// Leftovers of crashed runs, removed by the next run that holds the lock: hidden temporary files, and sidecars
// or manifests of ours whose archive never took its name (a crash between the final renames).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest } from '../archive/manifest.js';
import { isTempName, MANIFEST_SUFFIX, parseArchiveName, SIDECAR_SUFFIX } from '../archive/names.js';
import { removeQuietly } from '../archive/atomic.js';

async function listNames(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
    throw error;
  });
}

/** Removes stale temporary files from the backup folder and the given targets' folders; returns what it removed. */
export async function removeStaleFiles(backupDir: string, targets: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listNames(backupDir)) {
    if (isTempName(name)) {
      await removeQuietly(join(backupDir, name));
      removed.push(join(backupDir, name));
    }
  }
  for (const target of targets) {
    const dir = join(backupDir, target);
    const names = await listNames(dir);
    const present = new Set(names);
    for (const name of names) {
      const path = join(dir, name);
      if (isTempName(name)) {
        await removeQuietly(path);
        removed.push(path);
        continue;
      }
      const suffix = [SIDECAR_SUFFIX, MANIFEST_SUFFIX].find((s) => name.endsWith(s));
      if (!suffix) continue;
      const archive = name.slice(0, -suffix.length);
      if (present.has(archive) || !parseArchiveName(target, archive)) continue;
      if (!(await isOurOrphan(dir, archive))) continue;
      await removeQuietly(path);
      removed.push(path);
    }
  }
  return removed;
}

/** An orphan is ours when its manifest (if still there) was written by snapshotter for this archive. */
async function isOurOrphan(dir: string, archive: string): Promise<boolean> {
  const text = await readFile(join(dir, archive + MANIFEST_SUFFIX), 'utf8').catch(() => undefined);
  if (text === undefined) return true; // a lone sidecar of our exact name pattern: retention deletes the manifest last
  return parseManifest(text)?.archive === archive;
}
