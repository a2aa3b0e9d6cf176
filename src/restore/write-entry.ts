// Carries out a planned action inside the staging folder. The plan already guarantees that every parent is a
// folder this restore made; as a second line of defence, every parent component is checked on disk to be a real
// folder (lstat, never a symbolic link), files are created with O_EXCL | O_NOFOLLOW (a link or file in the way
// makes the open fail instead of being followed), and replaced entries are unlinked, never opened.
import { constants } from 'node:fs';
import { link, lstat, lutimes, lchown, mkdir, open, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { bytesOf, displayName } from '../util/byte-names.js';
import { removeTree, type DeepPaths } from './deep-paths.js';
import { RestoreRefusedError } from './entry-path.js';
import type { Action } from './plan.js';
import type { FilePiece } from './sparse-body.js';

/** Owner, mode and times as the archive stores them. */
export interface EntryAttrs {
  mode: number | undefined;
  mtime: Date | undefined;
  uid: number | undefined;
  gid: number | undefined;
}

/** Folder attributes wait until everything inside is written (a read-only folder would block its children). */
export interface DirAttrs extends EntryAttrs {
  rel: string;
}

export interface WriteOptions {
  /** The staging folder. */
  root: string;
  /** Restore owners (uid/gid as stored) — only when running as root, as GNU tar does. */
  sameOwner: boolean;
  /** Folders (relative to root) already seen on disk to be real folders; only this restore writes there. */
  realDirs: Set<string>;
  /** Reaches paths under root at any depth. */
  paths: DeepPaths;
}

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

function owner(attrs: EntryAttrs, options: WriteOptions): { uid: number; gid: number } | undefined {
  if (!options.sameOwner || attrs.uid === undefined || attrs.gid === undefined) return undefined;
  return { uid: attrs.uid, gid: attrs.gid };
}

/** Throws unless every folder above `rel` is a real folder on disk (not a symbolic link, not a file). */
async function checkParents(rel: string, options: WriteOptions): Promise<void> {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i += 1) {
    const prefix = parts.slice(0, i).join('/');
    if (options.realDirs.has(prefix)) continue;
    const info = await lstat(await options.paths.of(prefix));
    if (!info.isDirectory()) {
      throw new RestoreRefusedError(rel, `${JSON.stringify(displayName(prefix))} is not a real folder on disk`);
    }
    options.realDirs.add(prefix);
  }
}

/** Makes the parents, checks them, and removes what the entry replaces; returns the entry's absolute path. */
async function prepare(action: Exclude<Action, { kind: 'skip' }>, options: WriteOptions): Promise<Buffer> {
  for (const parent of action.parents) await mkdir(await options.paths.of(parent), { mode: 0o777 });
  await checkParents(action.rel, options);
  const path = await options.paths.of(action.rel);
  if (action.replace) {
    options.realDirs.delete(action.rel);
    await unlink(path);
  }
  return path;
}

/** Aligned all-zero blocks of this size are not written: the restored file keeps its holes. */
const HOLE = 4096;
const ZEROS = Buffer.alloc(HOLE);

/**
 * Writes a new file's pieces in order, leaving out all-zero blocks (they stay holes, read back as zeros) and the
 * gaps between pieces (a sparse entry's holes).
 */
class SparseWriter {
  /** Data not yet written, starting at `position`; under HOLE bytes between calls. */
  private pending: Buffer = Buffer.alloc(0);
  private position = 0;

  constructor(private readonly handle: FileHandle) {}

  async write({ offset, data: chunk }: FilePiece): Promise<void> {
    if (offset !== this.position + this.pending.length) {
      await this.end();
      this.position = offset;
      this.pending = Buffer.alloc(0);
    }
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const whole = data.length - (data.length % HOLE);
    let start = 0; // start of the run of data blocks still to write
    for (let at = 0; at < whole; at += HOLE) {
      if (!data.subarray(at, at + HOLE).equals(ZEROS)) continue;
      await writeAll(this.handle, data.subarray(start, at), this.position + start);
      start = at + HOLE;
    }
    await writeAll(this.handle, data.subarray(start, whole), this.position + start);
    this.position += whole;
    this.pending = Buffer.from(data.subarray(whole));
  }

  /** Writes the last partial block; the caller sets the file's size (a trailing hole). */
  async end(): Promise<void> {
    await writeAll(this.handle, this.pending, this.position);
  }
}

async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, position + offset);
    offset += bytesWritten;
  }
}

/** Writes a regular file from its body pieces (sparse where it holds zeros), then owner, mode and mtime. */
export async function writeFile(
  action: Extract<Action, { kind: 'file' }>,
  attrs: EntryAttrs,
  body: AsyncIterable<FilePiece>,
  size: number,
  options: WriteOptions,
): Promise<number> {
  const path = await prepare(action, options);
  const handle = await open(path, CREATE_FLAGS, 0o600);
  try {
    const writer = new SparseWriter(handle);
    for await (const piece of body) await writer.write(piece);
    await writer.end();
    await handle.truncate(size); // a trailing hole
    const own = owner(attrs, options);
    if (own) await handle.chown(own.uid, own.gid);
    if (attrs.mode !== undefined) await handle.chmod(attrs.mode & 0o7777);
    if (attrs.mtime) await handle.utimes(attrs.mtime, attrs.mtime);
  } finally {
    await handle.close();
  }
  return size;
}

/** Creates a folder (attributes come later, see DirAttrs). */
export async function writeDir(action: Extract<Action, { kind: 'dir' }>, options: WriteOptions): Promise<void> {
  const path = await prepare(action, options);
  await mkdir(path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}

/** Creates a symbolic link with its target exactly as stored; it is never followed by this restore. */
export async function writeSymlink(
  action: Extract<Action, { kind: 'symlink' }>,
  attrs: EntryAttrs,
  options: WriteOptions,
): Promise<void> {
  const path = await prepare(action, options);
  await symlink(bytesOf(action.target), path);
  const own = owner(attrs, options);
  if (own) await lchown(path, own.uid, own.gid);
  if (attrs.mtime) await lutimes(path, attrs.mtime, attrs.mtime);
}

/** Links to a file this restore wrote earlier (link(2) does not follow a symlink at the target either). */
export async function writeHardLink(action: Extract<Action, { kind: 'hardlink' }>, options: WriteOptions): Promise<void> {
  const path = await prepare(action, options);
  await link(await options.paths.of(action.target), path);
}

/** Removes the staging folder and everything in it (links are removed, never followed). */
export async function removeStaging(root: string): Promise<void> {
  await removeTree(root);
}
