// Packs files and folders into a tar stream, entries relative to `/` as GNU tar stores them. Symlinks are
// stored as links, hard links once, modes and mtimes kept. Unreadable files and files that change while being
// read are warnings that name them; a file that shrank is padded with zeros, one that grew is cut at its size.
import { constants, type Dirent, type Stats } from 'node:fs';
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../util/errors.js';
import type { Excluder } from './exclude.js';
import { encodeHeader, END_OF_ARCHIVE, entryType, padding } from './tar-entry.js';

const READ_SIZE = 1024 * 1024;

export interface PackOptions {
  exclude: Excluder;
  warn: (code: string, message: string) => void;
  signal?: AbortSignal;
}

export interface PackStats {
  entries: number;
}

/** The tar stream of the given absolute roots, as Buffers; updates `stats` as it goes. */
export async function* packPaths(roots: readonly string[], options: PackOptions, stats: PackStats): AsyncGenerator<Buffer> {
  const hardLinks = new Map<string, string>();
  for (const root of roots) {
    yield* packPath(root, options, stats, hardLinks);
  }
  yield END_OF_ARCHIVE;
}

function relative(path: string): string {
  return path.replace(/^\/+/, '');
}

async function* packPath(
  path: string,
  options: PackOptions,
  stats: PackStats,
  hardLinks: Map<string, string>,
): AsyncGenerator<Buffer> {
  options.signal?.throwIfAborted();
  const rel = relative(path);
  if (rel !== '' && options.exclude(rel)) return;
  let stat: Stats;
  try {
    stat = await lstat(path);
  } catch (error) {
    options.warn('unreadable', `cannot read ${path}: ${errorMessage(error)}`);
    return;
  }
  const type = entryType(stat);
  if (!type) {
    options.warn('skipped', `${path} is a socket or another kind of file that tar does not store; skipped`);
    return;
  }
  if (type === 'Directory') {
    yield* packDirectory(path, rel, stat, options, stats, hardLinks);
    return;
  }
  if (rel === '') return;
  if (stat.nlink > 1) {
    const key = `${stat.dev}:${stat.ino}`;
    const first = hardLinks.get(key);
    if (first !== undefined) {
      stats.entries += 1;
      yield encodeHeader(rel, stat, 'Link', 0, first);
      return;
    }
    hardLinks.set(key, rel);
  }
  if (type === 'SymbolicLink') {
    let target: string;
    try {
      target = await readlink(path);
    } catch (error) {
      options.warn('unreadable', `cannot read the link ${path}: ${errorMessage(error)}`);
      return;
    }
    stats.entries += 1;
    yield encodeHeader(rel, stat, type, 0, target);
    return;
  }
  if (type === 'File') {
    yield* packFile(path, rel, options, stats);
    return;
  }
  stats.entries += 1;
  yield encodeHeader(rel, stat, type, 0);
}

async function* packDirectory(
  path: string,
  rel: string,
  stat: Stats,
  options: PackOptions,
  stats: PackStats,
  hardLinks: Map<string, string>,
): AsyncGenerator<Buffer> {
  let children: Dirent[] = [];
  try {
    const dir = await opendir(path);
    for await (const entry of dir) children.push(entry);
  } catch (error) {
    options.warn('unreadable', `cannot list the folder ${path}: ${errorMessage(error)}`);
    children = [];
  }
  if (rel !== '') {
    stats.entries += 1;
    yield encodeHeader(`${rel}/`, stat, 'Directory', 0);
  }
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of children) {
    yield* packPath(join(path, child.name), options, stats, hardLinks);
  }
}

async function* packFile(path: string, rel: string, options: PackOptions, stats: PackStats): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    options.warn('unreadable', `cannot read ${path}: ${errorMessage(error)}`);
    return;
  }
  try {
    const stat = await handle.stat();
    const size = stat.size;
    stats.entries += 1;
    yield encodeHeader(rel, stat, 'File', size);
    let remaining = size;
    while (remaining > 0) {
      options.signal?.throwIfAborted();
      const buffer = Buffer.allocUnsafe(Math.min(READ_SIZE, remaining));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, size - remaining);
      if (bytesRead === 0) {
        options.warn('file_changed', `${path} shrank by ${remaining} bytes while being read; padded with zeros`);
        for (let left = remaining; left > 0; left -= READ_SIZE) yield Buffer.alloc(Math.min(READ_SIZE, left));
        remaining = 0;
        break;
      }
      remaining -= bytesRead;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    }
    const pad = padding(size);
    if (pad) yield pad;
    const after = await handle.stat();
    if (after.size !== size || after.mtimeMs !== stat.mtimeMs) {
      options.warn('file_changed', `${path} changed while being read; the archive holds a copy that may be inconsistent`);
    }
  } finally {
    await handle.close();
  }
}

