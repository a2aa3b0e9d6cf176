// Where SQLite's consistent copy is made. SQLite's online backup can only write a database file, and that file is
// plaintext. Unencrypted, it is a hidden temp file next to the archive. Encrypted, no plaintext may reach a disk
// (DESIGN §12): the copy goes to a private folder (0700) on a RAM-backed filesystem — the temp folder if it is a
// tmpfs, /dev/shm, $XDG_RUNTIME_DIR — that has room for the database and its WAL. When none has, the target fails
// and says so; nothing plaintext is written to disk. A folder left by a crash is removed by the next run of the
// target once its process is provably gone (the same owner rules as the temp files next to archives).
import { mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMP_MARKER, tempName, tempOwner } from '../../archive/names.js';
import { ownerGone } from '../../archive/temp-owner.js';
import { formatBytes } from '../../util/duration.js';

const RAM_FILESYSTEMS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */]);
/** Room kept free beyond the database and its WAL (SQLite's copy is at most their size). */
const SPARE_BYTES = 16 * 1024 * 1024;

export interface CopyPlace {
  /** The file sqlite3 writes the copy into. */
  file: string;
  /** Removes the copy (and its folder), in every outcome. */
  remove(): Promise<void>;
}

/** The RAM-backed folders to try, in order: the temp folder, /dev/shm, the user's runtime folder. */
export function ramCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...new Set([tmpdir(), '/dev/shm', env['XDG_RUNTIME_DIR']].filter((p): p is string => Boolean(p)))];
}

const sizeOf = (path: string): Promise<number> =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );

/** Removes this target's copy folders whose process is provably gone (a crash left them). */
async function sweep(root: string, target: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [])) {
    const owner = name.startsWith(`.${target}.db${TEMP_MARKER}`) ? tempOwner(name) : undefined;
    if (owner && ownerGone(owner)) await rm(join(root, name), { recursive: true, force: true });
  }
}

/** The first RAM-backed folder with room for a copy of `database`, or why none would do. */
export async function ramRoot(database: string, candidates = ramCandidates()): Promise<{ root: string } | { problem: string }> {
  const needed = (await sizeOf(database)) + (await sizeOf(`${database}-wal`)) + SPARE_BYTES;
  const refusals: string[] = [];
  for (const root of candidates) {
    const fs = await statfs(root).catch(() => undefined);
    if (!fs) continue;
    if (!RAM_FILESYSTEMS.has(fs.type)) {
      refusals.push(`${root} is not in RAM`);
      continue;
    }
    const free = fs.bavail * fs.bsize;
    if (free >= needed) return { root };
    refusals.push(`${root} has ${formatBytes(free)} free`);
  }
  return {
    problem:
      `the archive is encrypted, so the consistent copy of ${database} is made in RAM, never on disk; it needs ` +
      `${formatBytes(needed)} and no RAM-backed folder has room (${refusals.join('; ') || 'none found'}): ` +
      'make /dev/shm (or a tmpfs TMPDIR) larger, or back this database up unencrypted',
  };
}

/** A private folder in RAM for the copy of `database` (a crashed run's folder of this target is removed first). */
export async function ramCopyPlace(target: string, database: string, candidates = ramCandidates()): Promise<CopyPlace> {
  for (const root of candidates) await sweep(root, target);
  const found = await ramRoot(database, candidates);
  if ('problem' in found) throw new Error(found.problem);
  const dir = join(found.root, tempName(`${target}.db`));
  await mkdir(dir, { mode: 0o700 });
  return { file: join(dir, 'copy.db'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The hidden temp file next to the archive, for an unencrypted copy. */
export function diskCopyPlace(targetDir: string, target: string): CopyPlace {
  const file = join(targetDir, tempName(`${target}.db`));
  return { file, remove: () => rm(file, { force: true }) };
}
