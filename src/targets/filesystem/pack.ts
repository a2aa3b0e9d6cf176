// Packs files and folders into a tar stream, entries relative to `/` as GNU tar stores them. Symlinks are
// stored as links, hard links once, modes and mtimes kept. Unreadable files and files that change while being
// read are warnings that name them; a file that shrank is padded with zeros, one that grew is cut at its size.
//
// Speed: the walk is synchronous, as GNU tar's is (metadata and small files cost microseconds from the page
// cache, far less than a thread-pool round trip each), and goes straight into 1 MiB staged chunks (tar-stage.ts).
// Large files are read asynchronously in 1 MiB reads, one read ahead, so a slow disk does not block the loop.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  read,
  readdirSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../util/errors.js';
import type { Excluder } from './exclude.js';
import { END_OF_ARCHIVE, entryType, padding } from './tar-entry.js';
import { TarStage } from './tar-stage.js';

/** Files up to this size are read synchronously into the stage; larger ones stream in READ_SIZE reads. */
const SMALL_FILE = 256 * 1024;
const READ_SIZE = 1024 * 1024;
/** O_NONBLOCK: a file replaced by a FIFO between listing and opening must not hang the backup. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

export interface PackOptions {
  exclude: Excluder;
  warn: (code: string, message: string) => void;
  signal?: AbortSignal;
}

export interface PackStats {
  entries: number;
}

interface Walk {
  options: PackOptions;
  stats: PackStats;
  stage: TarStage;
  hardLinks: Map<string, string>;
  /** Paths still to visit, the next one last; `file` when the folder listing said it is a regular file. */
  todo: { path: string; file: boolean }[];
}

interface LargeFile {
  fd: number;
  path: string;
  stat: Stats;
}

/** The tar stream of the given absolute roots, as Buffers; updates `stats` as it goes. */
export async function* packPaths(roots: readonly string[], options: PackOptions, stats: PackStats): AsyncGenerator<Buffer> {
  const walk: Walk = { options, stats, stage: new TarStage(), hardLinks: new Map(), todo: [] };
  for (const root of [...roots].reverse()) walk.todo.push({ path: root, file: false });
  while (walk.todo.length > 0) {
    const large = visit(walk, walk.todo.pop()!);
    if (large) {
      walk.stage.flush();
      yield* walk.stage.drain();
      yield* readLarge(walk, large);
    } else {
      yield* walk.stage.drain();
    }
  }
  walk.stage.flush();
  yield* walk.stage.drain();
  yield END_OF_ARCHIVE;
}

/** The path as stored in the archive: relative to `/`. */
function relative(path: string): string {
  return path.replace(/^\/+/, '');
}

/** Stages one path (and queues a folder's children); returns a large file still to be streamed. */
function visit(walk: Walk, item: { path: string; file: boolean }): LargeFile | undefined {
  const { options, stats, stage } = walk;
  options.signal?.throwIfAborted();
  const { path } = item;
  const rel = relative(path);
  if (rel !== '' && options.exclude(rel)) return undefined;
  if (item.file) return visitFile(walk, path, rel);
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    options.warn('unreadable', `cannot read ${path}: ${errorMessage(error)}`);
    return undefined;
  }
  const type = entryType(stat);
  if (!type) {
    options.warn('skipped', `${path} is a socket or another kind of file that tar does not store; skipped`);
    return undefined;
  }
  if (type === 'Directory') {
    visitDirectory(walk, path, rel, stat);
    return undefined;
  }
  if (rel === '') return undefined;
  if (type === 'File') return visitFile(walk, path, rel);
  if (linkedBefore(walk, rel, stat)) return undefined;
  let target: string | undefined;
  if (type === 'SymbolicLink') {
    try {
      target = readlinkSync(path);
    } catch (error) {
      options.warn('unreadable', `cannot read the link ${path}: ${errorMessage(error)}`);
      return undefined;
    }
  }
  stats.entries += 1;
  stage.header(rel, stat, type, 0, target);
  return undefined;
}

/** A second name of an already stored inode becomes a hard link entry; returns true when it did. */
function linkedBefore(walk: Walk, rel: string, stat: Stats): boolean {
  if (stat.nlink <= 1) return false;
  const key = `${stat.dev}:${stat.ino}`;
  const first = walk.hardLinks.get(key);
  if (first === undefined) {
    walk.hardLinks.set(key, rel);
    return false;
  }
  walk.stats.entries += 1;
  walk.stage.header(rel, stat, 'Link', 0, first);
  return true;
}

/** Stages a folder's header and queues its children in name order. */
function visitDirectory(walk: Walk, path: string, rel: string, stat: Stats): void {
  let names: { name: string; file: boolean }[] = [];
  try {
    names = readdirSync(path, { withFileTypes: true }).map((d) => ({ name: d.name, file: d.isFile() }));
  } catch (error) {
    walk.options.warn('unreadable', `cannot list the folder ${path}: ${errorMessage(error)}`);
  }
  if (rel !== '') {
    walk.stats.entries += 1;
    walk.stage.header(`${rel}/`, stat, 'Directory', 0);
  }
  names.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)); // reversed: the stack pops the first name first
  for (const { name, file } of names) walk.todo.push({ path: join(path, name), file });
}

/** Stages a regular file: its header, and its data when it is small; a large one is returned open. */
function visitFile(walk: Walk, path: string, rel: string): LargeFile | undefined {
  const { options, stats, stage } = walk;
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    options.warn('unreadable', `cannot read ${path}: ${errorMessage(error)}`);
    return undefined;
  }
  let handedOver = false;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      options.warn('file_changed', `${path} is no longer a regular file; skipped`);
      return undefined;
    }
    if (linkedBefore(walk, rel, stat)) return undefined;
    stats.entries += 1;
    stage.header(rel, stat, 'File', stat.size);
    if (stat.size > SMALL_FILE) {
      handedOver = true;
      return { fd, path, stat };
    }
    const window = stage.window(stat.size);
    let filled = 0;
    while (filled < stat.size) {
      const bytesRead = readSync(fd, window, filled, stat.size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    stage.commit(filled, stat.size);
    checkUnchanged(options, path, stat, filled, fstatSync(fd));
    return undefined;
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

/** Warns when a file shrank while read, or its size or mtime changed meanwhile. */
function checkUnchanged(options: PackOptions, path: string, stat: Stats, readBytes: number, after: Stats): void {
  if (readBytes < stat.size) {
    options.warn('file_changed', `${path} shrank by ${stat.size - readBytes} bytes while being read; padded with zeros`);
  }
  if (after.size !== stat.size || after.mtimeMs !== stat.mtimeMs) {
    options.warn('file_changed', `${path} changed while being read; the archive holds a copy that may be inconsistent`);
  }
}

/** One positional read on the pool, into a fresh buffer (it is handed downstream). */
function readAt(fd: number, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, length, position, (error, bytesRead) => {
      if (error) reject(error);
      else resolve(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
    });
  });
}

/** Streams a large file's data and padding, one read ahead; closes it. */
async function* readLarge(walk: Walk, file: LargeFile): AsyncGenerator<Buffer> {
  const { fd, path, stat } = file;
  const size = stat.size;
  let position = 0;
  let next: Promise<Buffer> | undefined = readAt(fd, Math.min(READ_SIZE, size), 0);
  try {
    while (next) {
      walk.options.signal?.throwIfAborted();
      const chunk: Buffer = await next;
      next = undefined;
      if (chunk.length === 0) break;
      position += chunk.length;
      if (position < size) next = readAt(fd, Math.min(READ_SIZE, size - position), position);
      yield chunk;
    }
    for (let left = size - position; left > 0; left -= READ_SIZE) yield Buffer.alloc(Math.min(READ_SIZE, left));
    const pad = padding(size);
    if (pad) yield pad;
    checkUnchanged(walk.options, path, stat, position, fstatSync(fd));
  } finally {
    await next?.catch(() => undefined);
    closeSync(fd);
  }
}
