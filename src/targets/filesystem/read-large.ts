// Streams a large file's data into the tar stream: 1 MiB positional reads on the thread pool, one read ahead,
// then the tar padding; a file that shrank meanwhile is padded with zeros (as GNU tar does) and named in a warning.
import { closeSync, fstatSync, read, type Stats } from 'node:fs';
import type { BufferRecycler } from '../../archive/recycler.js';
import { displayName } from '../../util/byte-names.js';
import type { PackOptions, PackRun } from './pack.js';
import { padding } from './tar-entry.js';
import { STAGE_SIZE } from './tar-stage.js';

/** Reads fill the same recycled buffers as the stage (tar-stage.ts), so they are the same size. */
export const READ_SIZE = STAGE_SIZE;

/** A regular file already opened; `path` is a byte string (for messages). */
export interface LargeFile {
  fd: number;
  path: string;
  stat: Stats;
  /** Set (the archive name) when the file has holes and its header waits for its sparse map; else it has one. */
  sparseRel?: string;
}

/** Warns when a file shrank while read, or its size or mtime changed meanwhile. */
export function checkUnchanged(options: PackOptions, path: string, stat: Stats, readBytes: number, after: Stats): void {
  if (readBytes < stat.size) {
    options.warn(
      'file_changed',
      `${displayName(path)} shrank by ${stat.size - readBytes} bytes while being read; padded with zeros`,
    );
  }
  if (after.size !== stat.size || after.mtimeMs !== stat.mtimeMs) {
    options.warn(
      'file_changed',
      `${displayName(path)} changed while being read; the archive holds a copy that may be inconsistent`,
    );
  }
}

/** One positional read (length ≤ READ_SIZE) on the pool, into a buffer of `buffers` (it is handed downstream). */
export function readAt(fd: number, length: number, position: number, buffers: BufferRecycler): Promise<Buffer> {
  const buffer = buffers.take();
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, length, position, (error, bytesRead) => {
      if (error) reject(error);
      else resolve(buffer.subarray(0, bytesRead));
    });
  });
}

/** Streams a large file's data and padding, one read ahead; closes it. */
export async function* readLarge(options: PackRun, file: LargeFile): AsyncGenerator<Buffer> {
  const { fd, path, stat } = file;
  const size = stat.size;
  let position = 0;
  let next: Promise<Buffer> | undefined = readAt(fd, Math.min(READ_SIZE, size), 0, options.buffers);
  try {
    while (next) {
      options.signal?.throwIfAborted();
      const chunk: Buffer = await next;
      next = undefined;
      if (chunk.length === 0) break;
      position += chunk.length;
      if (position < size) next = readAt(fd, Math.min(READ_SIZE, size - position), position, options.buffers);
      yield chunk;
    }
    for (let left = size - position; left > 0; left -= READ_SIZE) yield Buffer.alloc(Math.min(READ_SIZE, left));
    const pad = padding(size);
    if (pad) yield pad;
    checkUnchanged(options, path, stat, position, fstatSync(fd));
  } finally {
    await next?.catch(() => undefined);
    closeSync(fd);
  }
}
