// Snapshots in a data dir on this host: check the folder, wait for the snapshot to appear, pack it, remove it.
import { lstat, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { create } from 'tar';
import { errorMessage } from '../../util/errors.js';
import type { SnapshotSource } from './store.js';

const POLL_MS = 200;

/** `<data_dir>/snapshots/<name>`, where Prometheus puts a snapshot. */
export function snapshotPath(dataDir: string, name: string): string {
  return join(dataDir, 'snapshots', name);
}

/** True for an existing folder; false for anything else, including an unreadable path. */
async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Why this folder cannot be Prometheus' TSDB, or undefined when it looks like one (it has a `wal` folder). */
export async function dataDirProblem(dataDir: string): Promise<string | undefined> {
  if (!(await isDirectory(dataDir))) return `data_dir ${dataDir} does not exist or is not a folder`;
  if (!(await isDirectory(join(dataDir, 'wal'))))
    return `data_dir ${dataDir} does not look like a Prometheus TSDB (no ${join(dataDir, 'wal')})`;
  return undefined;
}

/** Waits until the snapshot folder exists (a network mount may lag); false when it did not appear in time. */
export async function waitForSnapshot(path: string, waitMs: number, signal: AbortSignal): Promise<boolean> {
  const until = Date.now() + waitMs;
  for (;;) {
    if (await isDirectory(path)) return true;
    if (Date.now() >= until) return false;
    await sleep(POLL_MS, undefined, { signal });
  }
}

/** A tar stream of the snapshot folder, entries `<name>/<block>/...` (the layout `docker cp` gives too). */
export function packSnapshot(dataDir: string, name: string): SnapshotSource {
  let entries = 0;
  const blocks = new Set<string>();
  const pack = create(
    {
      cwd: join(dataDir, 'snapshots'),
      strict: true,
      portable: false,
      onWriteEntry: (entry) => {
        entries += 1;
        const block = entry.path.split('/')[1];
        if (block) blocks.add(block);
      },
    },
    [name],
  );
  const stream = Readable.from(pack, { objectMode: false, highWaterMark: 1024 * 1024 });
  return {
    stream,
    finish: () => Promise.resolve({ entries, blocks: blocks.size }),
    abort: () => undefined,
  };
}

/**
 * Removes a snapshot folder this target made (true), or finds none there (false); a symlink or a file in its place
 * is left alone.
 */
export async function removeSnapshot(path: string): Promise<boolean> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!info) return false;
  if (!info.isDirectory()) throw new Error(`${path} is not a folder; not removed`);
  try {
    await rm(path, { recursive: true, force: true });
  } catch (error) {
    throw new Error(`cannot remove ${path} (snapshotter needs write access to the snapshots folder): ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return true;
}

/** Names of the folders in `<data_dir>/snapshots` (for the dry run). */
export async function listSnapshots(dataDir: string): Promise<string[]> {
  return readdir(join(dataDir, 'snapshots')).catch(() => []);
}
