// Moves a finished staging folder's content into the restore folder, then gives folders their stored mode, owner
// and mtime (last, deepest first: a read-only folder must not block its children, and moving entries in changes
// a folder's mtime). Into an empty folder this is one rename per top-level entry. With --force, an existing
// folder is merged into, an existing file or symbolic link in the way is replaced (a link is removed, never
// followed), and a folder that a file would replace is a conflict found before anything moves.
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import { displayName } from '../util/byte-names.js';
import { DeepPaths } from './deep-paths.js';
import type { DirAttrs } from './write-entry.js';

/** A restore that cannot complete because of what the restore folder already holds. */
export class RestoreConflictError extends Error {
  override readonly name = 'RestoreConflictError';
}

/** `dir/name` as a Buffer path: names are bytes, not necessarily UTF-8. */
const join = (dir: Buffer, name: Buffer): Buffer => Buffer.concat([dir, Buffer.from('/'), name]);
const list = (dir: Buffer): Promise<Buffer[]> => readdir(dir, { encoding: 'buffer' });

async function lstatOrUndefined(path: Buffer): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Paths where a restored non-folder would replace an existing folder (walks only where both have folders). */
async function conflicts(from: Buffer, to: Buffer, rel: string, found: string[]): Promise<void> {
  for (const bytes of await list(from)) {
    const name = bytes.toString('latin1');
    const source = await lstat(join(from, bytes));
    const dest = await lstatOrUndefined(join(to, bytes));
    if (!dest?.isDirectory()) continue;
    const childRel = rel ? `${rel}/${name}` : name;
    if (source.isDirectory()) await conflicts(join(from, bytes), join(to, bytes), childRel, found);
    else found.push(childRel);
  }
}

async function moveInto(from: Buffer, to: Buffer): Promise<void> {
  for (const name of await list(from)) {
    const source = join(from, name);
    const dest = join(to, name);
    const existing = await lstatOrUndefined(dest);
    const isDir = (await lstat(source)).isDirectory();
    if (existing?.isDirectory()) {
      if (isDir) await moveInto(source, dest);
      continue; // a conflict; refused before moving
    }
    if (existing && isDir) await unlink(dest);
    await rename(source, dest);
  }
}

/** Moves everything from `staging` into `dir`; throws RestoreConflictError before moving anything. */
export async function mergeStaging(staging: string, dir: string): Promise<void> {
  const found: string[] = [];
  await conflicts(Buffer.from(staging), Buffer.from(dir), '', found);
  if (found.length > 0) {
    const list = found
      .slice(0, 5)
      .map((rel) => JSON.stringify(displayName(rel)))
      .join(', ');
    throw new RestoreConflictError(`the archive holds files where ${dir} has folders: ${list}${found.length > 5 ? ', …' : ''}`);
  }
  await moveInto(Buffer.from(staging), Buffer.from(dir));
}

/** Gives each restored folder its stored owner (as root), mode and mtime, deepest first, never through a link. */
export async function applyDirAttrs(dir: string, dirs: readonly DirAttrs[], sameOwner: boolean): Promise<void> {
  const latest = new Map(dirs.map((d) => [d.rel, d]));
  const paths = new DeepPaths(dir);
  const ordered = [...latest.values()].sort((a, b) => b.rel.split('/').length - a.rel.split('/').length);
  try {
    for (const attrs of ordered) {
      await applyOne(await paths.of(attrs.rel), attrs, sameOwner);
      await paths.trim();
    }
  } finally {
    await paths.close();
  }
}

async function applyOne(path: Buffer, attrs: DirAttrs, sameOwner: boolean): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    if (sameOwner && attrs.uid !== undefined && attrs.gid !== undefined) await handle.chown(attrs.uid, attrs.gid);
    if (attrs.mode !== undefined) await handle.chmod(attrs.mode & 0o7777);
    if (attrs.mtime) await handle.utimes(attrs.mtime, attrs.mtime);
  } finally {
    await handle.close();
  }
}
