// Sparse files stored sparse, in GNU tar's PAX sparse format 1.0 (layout: src/archive/sparse-map.ts), which GNU
// tar and bsdtar extract with their holes. A file is a candidate when less is allocated than its length
// (st_blocks * 512 < st_size), as GNU tar's --sparse decides.
//
// Finding the data: Node has no lseek(SEEK_DATA/SEEK_HOLE), so this does what GNU tar does without them: it reads
// the file in 1 MiB reads into one reused buffer and takes every all-zero 4 KiB block as a hole. An all-zero read
// is one memcmp, and a hole reads as zero pages without touching the disk, so the holes of a 1 GiB file cost one
// pass through the page cache; a second pass reads only the data regions. Memory: the buffer and the map (at most
// MAX_REGIONS regions; a file more fragmented than that is stored as an ordinary file).
import { closeSync, fstatSync, read } from 'node:fs';
import type { PackRun } from './pack.js';
import { checkUnchanged, readAt, READ_SIZE, type LargeFile } from './read-large.js';
import { padding } from './tar-entry.js';
import { paxRecord } from './tar-pax.js';
import { padded } from './tar-stage.js';

/** Holes are found at this granularity (the usual file-system block). */
const HOLE = 4096;
const MAX_REGIONS = 65536;
const ZEROS = Buffer.alloc(READ_SIZE);

export interface Region {
  offset: number;
  length: number;
}

/** How a sparse file goes into the archive: the header's stand-in name, PAX records, the map and the stored size. */
export interface SparseLayout {
  name: string;
  records: string;
  map: Buffer;
  regions: Region[];
  storedSize: number;
}

/** Less allocated than the file's length: it has holes. */
export function hasHoles(stat: { blocks: number; size: number }): boolean {
  return stat.blocks * 512 < stat.size;
}

function readInto(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
  });
}

/** The data regions of a file (then a zero-length region at its end when it ends in a hole), or undefined for too many. */
export async function findDataRegions(fd: number, size: number, signal?: AbortSignal): Promise<Region[] | undefined> {
  const regions: Region[] = [];
  const buffer = Buffer.allocUnsafe(READ_SIZE);
  for (let position = 0; position < size;) {
    signal?.throwIfAborted();
    const n = await readInto(fd, buffer, Math.min(READ_SIZE, size - position), position);
    if (n === 0) break; // it shrank: the rest is a hole (and the packer warns that it changed)
    if (!buffer.subarray(0, n).equals(ZEROS.subarray(0, n))) {
      for (let at = 0; at < n; at += HOLE) {
        const length = Math.min(HOLE, n - at);
        if (buffer.subarray(at, at + length).equals(ZEROS.subarray(0, length))) continue;
        const last = regions[regions.length - 1];
        if (last && last.offset + last.length === position + at) last.length += length;
        else if (regions.push({ offset: position + at, length }) > MAX_REGIONS) return undefined;
      }
    }
    position += n;
  }
  const last = regions[regions.length - 1];
  if (!last || last.offset + last.length < size) regions.push({ offset: size, length: 0 });
  return regions;
}

/** GNU tar's stand-in name `dir/GNUSparseFile.0/name`, ASCII and at most 100 bytes (the real name is a PAX record). */
function standInName(rel: string): string {
  const slash = rel.lastIndexOf('/');
  const name = `${slash < 0 ? '.' : rel.slice(0, slash)}/GNUSparseFile.0/${rel.slice(slash + 1)}`;
  return name.replace(/[^\x20-\x7e]/g, '_').slice(0, 100);
}

/** The header records, map and stored size of a sparse file `rel` (a byte string) of `size` bytes. */
export function sparseLayout(rel: string, size: number, regions: Region[]): SparseLayout {
  let text = `${regions.length}\n`;
  let data = 0;
  for (const { offset, length } of regions) {
    text += `${offset}\n${length}\n`;
    data += length;
  }
  const map = Buffer.alloc(padded(text.length));
  map.write(text, 'latin1');
  const records =
    paxRecord('GNU.sparse.major', '1') +
    paxRecord('GNU.sparse.minor', '0') +
    paxRecord('GNU.sparse.name', rel) +
    paxRecord('GNU.sparse.realsize', String(size));
  return { name: standInName(rel), records, map, regions, storedSize: map.length + data };
}

/** Streams a sparse file's map, its data regions and the tar padding; a region cut short is padded with zeros. */
export async function* readSparse(options: PackRun, file: LargeFile, layout: SparseLayout): AsyncGenerator<Buffer> {
  const { fd, path, stat } = file;
  let missing = 0;
  try {
    yield layout.map;
    for (const { offset, length } of layout.regions) {
      const end = offset + length;
      for (let position = offset; position < end;) {
        options.signal?.throwIfAborted();
        const chunk = await readAt(fd, Math.min(READ_SIZE, end - position), position, options.buffers);
        if (chunk.length === 0) {
          missing += end - position;
          for (let left = end - position; left > 0; left -= READ_SIZE) yield Buffer.alloc(Math.min(READ_SIZE, left));
          break;
        }
        position += chunk.length;
        yield chunk;
      }
    }
    const pad = padding(layout.storedSize);
    if (pad) yield pad;
    checkUnchanged(options, path, stat, stat.size - missing, fstatSync(fd));
  } finally {
    closeSync(fd);
  }
}
