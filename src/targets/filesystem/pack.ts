// Packs files and folders into a tar stream, entries relative to `/` as GNU tar stores them. Symlinks are
// stored as links, hard links once, modes and mtimes kept. Unreadable files and files that change while being
// read are warnings that name them; a file that shrank is padded with zeros, one that grew is cut at its size.
//
// Speed: the walk is synchronous, as GNU tar's is (metadata and small files cost microseconds from the page
// cache, far less than a thread-pool round trip each), and goes straight into 1 MiB staged chunks (tar-stage.ts).
// Large files are read asynchronously (read-large.ts), so a slow disk does not block the loop; large files with
// holes are stored sparse (sparse-file.ts).
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { BufferRecycler } from '../../archive/recycler.js';
import { displayName } from '../../util/byte-names.js';
import { errorMessage } from '../../util/errors.js';
import type { Excluder } from './exclude.js';
import { NO_OWN_FILES, type OwnFiles } from './own-files.js';
import { OwnerNames } from './owner-names.js';
import { PathAccess } from './path-access.js';
import { END_OF_ARCHIVE, entryType, type EntryMeta } from './tar-entry.js';
import { STAGE_SIZE, TarStage } from './tar-stage.js';
import { checkUnchanged, readLarge, type LargeFile } from './read-large.js';
import { findDataRegions, hasHoles, readSparse, sparseLayout } from './sparse-file.js';

/** Files up to this size are read synchronously into the stage; larger ones stream in READ_SIZE reads. */
const SMALL_FILE = 256 * 1024;
/** O_NONBLOCK: a file replaced by a FIFO between listing and opening must not hang the backup. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

export interface PackOptions {
  /** Matched against byte-string paths relative to `/`. */
  exclude: Excluder;
  warn: (code: string, message: string) => void;
  signal?: AbortSignal;
  /** Snapshotter's own files, left out of every walk. */
  own?: OwnFiles;
  /** Where the 1 MiB chunks of the stream come from (the sink gives them back once compressed); default: fresh ones. */
  buffers?: BufferRecycler;
}

/** The options a walk runs with: its buffers settled. */
export type PackRun = PackOptions & { buffers: BufferRecycler };

export interface PackStats {
  entries: number;
  /** Own files and folders left out (display form). */
  ownSkipped?: string[];
}

/** A path still to visit (`file` when the folder listing said it is a regular file), or the end of a deep folder. */
type Todo = { path: string; file: boolean } | { leave: true };

interface Walk {
  options: PackRun;
  own: OwnFiles;
  stats: PackStats;
  stage: TarStage;
  access: PathAccess;
  names: OwnerNames;
  hardLinks: Map<string, string>;
  /** The next one last. */
  todo: Todo[];
}

/**
 * The tar stream of the given absolute roots (byte strings: see src/util/byte-names.ts), as Buffers; updates
 * `stats` as it goes.
 */
export async function* packPaths(roots: readonly string[], given: PackOptions, stats: PackStats): AsyncGenerator<Buffer> {
  const options: PackRun = { ...given, buffers: given.buffers ?? new BufferRecycler(STAGE_SIZE) };
  const walk: Walk = {
    options,
    own: options.own ?? NO_OWN_FILES,
    stats,
    stage: new TarStage(options.buffers),
    access: new PathAccess(),
    names: new OwnerNames(),
    hardLinks: new Map(),
    todo: [],
  };
  for (const root of [...roots].reverse()) walk.todo.push({ path: root, file: false });
  try {
    while (walk.todo.length > 0) {
      const item = walk.todo.pop()!;
      if ('leave' in item) {
        walk.access.leave();
        continue;
      }
      const large = visit(walk, item);
      if (large) {
        walk.stage.flush();
        yield* walk.stage.drain();
        yield* packLarge(walk, large);
      } else {
        yield* walk.stage.drain();
      }
    }
  } finally {
    walk.access.closeAll();
  }
  walk.stage.flush();
  yield* walk.stage.drain();
  yield END_OF_ARCHIVE;
}

/** The path as stored in the archive: relative to `/`. */
function relative(path: string): string {
  return path.replace(/^\/+/, '');
}

/**
 * Stages an entry's header, filling in its owner names; `source` (an open fd, or the path to lstat) gives the
 * exact mtime when the header needs it; `extra` PAX records force a full header.
 */
function stageHeader(walk: Walk, entry: EntryMeta, source: number | string, extra?: string): void {
  walk.stats.entries += 1;
  entry.uname = walk.names.user(entry.stat.uid);
  entry.gname = walk.names.group(entry.stat.gid);
  if (extra === undefined && walk.stage.simpleHeader(entry)) return;
  const exact =
    typeof source === 'number' ? fstatSync(source, { bigint: true }) : lstatSync(walk.access.of(source), { bigint: true });
  walk.stage.fullHeader(entry, exact.mtimeNs, extra);
}

/** Streams a large file; one with holes gets its header only now, sparse when its map is small enough. */
async function* packLarge(walk: Walk, file: LargeFile): AsyncGenerator<Buffer> {
  const rel = file.sparseRel;
  if (rel === undefined) {
    yield* readLarge(walk.options, file);
    return;
  }
  const { fd, stat } = file;
  let handedOver = false; // from then on the reader closes the file
  try {
    const regions = await findDataRegions(fd, stat.size, walk.options.signal);
    const layout = regions && sparseLayout(rel, stat.size, regions);
    const size = layout?.storedSize ?? stat.size;
    stageHeader(walk, { path: layout?.name ?? rel, stat, type: 'File', size, uname: '', gname: '' }, fd, layout?.records);
    walk.stage.flush();
    yield* walk.stage.drain();
    handedOver = true;
    yield* layout ? readSparse(walk.options, file, layout) : readLarge(walk.options, file);
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

/** Stages one path (and queues a folder's children); returns a large file still to be streamed. */
function visit(walk: Walk, item: { path: string; file: boolean }): LargeFile | undefined {
  const { options } = walk;
  options.signal?.throwIfAborted();
  const { path } = item;
  const rel = relative(path);
  if (rel !== '' && options.exclude(rel)) return undefined;
  if (item.file) return visitFile(walk, path, rel);
  const access = walk.access.of(path);
  let stat: Stats;
  try {
    stat = lstatSync(access);
  } catch (error) {
    options.warn('unreadable', `cannot read ${displayName(path)}: ${errorMessage(error)}`);
    return undefined;
  }
  const type = entryType(stat);
  if (!type) {
    options.warn('skipped', `${displayName(path)} is a socket or another kind of file that tar does not store; skipped`);
    return undefined;
  }
  if (type === 'Directory') {
    visitDirectory(walk, path, rel, stat);
    return undefined;
  }
  if (rel === '') return undefined;
  if (type === 'File') return visitFile(walk, path, rel);
  if (linkedBefore(walk, rel, stat, path)) return undefined;
  let target: string | undefined;
  if (type === 'SymbolicLink') {
    try {
      target = readlinkSync(access, { encoding: 'latin1' });
    } catch (error) {
      options.warn('unreadable', `cannot read the link ${displayName(path)}: ${errorMessage(error)}`);
      return undefined;
    }
  }
  stageHeader(walk, { path: rel, stat, type, size: 0, linkpath: target, uname: '', gname: '' }, path);
  return undefined;
}

/** A second name of an already stored inode becomes a hard link entry; returns true when it did. */
function linkedBefore(walk: Walk, rel: string, stat: Stats, source: number | string): boolean {
  if (stat.nlink <= 1) return false;
  const key = `${stat.dev}:${stat.ino}`;
  const first = walk.hardLinks.get(key);
  if (first === undefined) {
    walk.hardLinks.set(key, rel);
    return false;
  }
  stageHeader(walk, { path: rel, stat, type: 'Link', size: 0, linkpath: first, uname: '', gname: '' }, source);
  return true;
}

/** Stages a folder's header and queues its children in name order; snapshotter's own files are left out. */
function visitDirectory(walk: Walk, path: string, rel: string, stat: Stats): void {
  if (walk.own.isBackupDir(stat)) {
    (walk.stats.ownSkipped ??= []).push(displayName(path));
    return;
  }
  if (rel !== '') stageHeader(walk, { path: `${rel}/`, stat, type: 'Directory', size: 0, uname: '', gname: '' }, path);
  let names: { name: string; file: boolean }[] = [];
  try {
    if (walk.access.enter(path)) walk.todo.push({ leave: true });
    names = readdirSync(walk.access.of(path), { withFileTypes: true, encoding: 'latin1' }).map((d) => ({
      name: d.name,
      file: d.isFile(),
    }));
  } catch (error) {
    walk.options.warn('unreadable', `cannot list the folder ${displayName(path)}: ${errorMessage(error)}`);
  }
  names.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)); // reversed: the stack pops the first name first
  const base = path.endsWith('/') ? path : `${path}/`;
  for (const { name, file } of names) {
    if (walk.own.isLockFile(stat, name)) (walk.stats.ownSkipped ??= []).push(displayName(base + name));
    else walk.todo.push({ path: base + name, file });
  }
}

/** Stages a regular file: its header, and its data when it is small; a large one is returned open. */
function visitFile(walk: Walk, path: string, rel: string): LargeFile | undefined {
  const { options, stage } = walk;
  let fd: number;
  try {
    fd = openSync(walk.access.of(path), OPEN_FLAGS);
  } catch (error) {
    options.warn('unreadable', `cannot read ${displayName(path)}: ${errorMessage(error)}`);
    return undefined;
  }
  let handedOver = false;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      options.warn('file_changed', `${displayName(path)} is no longer a regular file; skipped`);
      return undefined;
    }
    if (linkedBefore(walk, rel, stat, fd)) return undefined;
    if (stat.size > SMALL_FILE && hasHoles(stat)) {
      handedOver = true;
      return { fd, path, stat, sparseRel: rel };
    }
    stageHeader(walk, { path: rel, stat, type: 'File', size: stat.size, uname: '', gname: '' }, fd);
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
