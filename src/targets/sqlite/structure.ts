// The content check of an encrypted `.db` archive: PRAGMA integrity_check needs the database as a file, and a
// decrypted copy on disk is exactly what encryption promises never to write. So the decrypted bytes are checked as
// they stream by, in bounded memory: the 100-byte header (magic string, page size, format versions, payload
// fractions), the first page's b-tree type, and a length that is whole pages and agrees with the header's page count.
import { Writable } from 'node:stream';
import type { ContentCheck } from '../../archive/content-check.js';

const HEADER_BYTES = 101; // the database header, and the first page's b-tree page type right after it
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Table b-tree pages (interior, leaf): page 1 is always the schema table's root. */
const TABLE_PAGE_TYPES = new Set([0x05, 0x0d]);

export const INTEGRITY_CHECK_SKIPPED =
  'encrypted: SQLite structure checked in the stream (header, page size, page count); PRAGMA integrity_check not run ' +
  '(it needs a decrypted copy on disk: restore the archive and run it there)';

/** What is wrong with a database of `size` bytes starting with `head`, or undefined. */
export function structureProblem(head: Buffer, size: number): string | undefined {
  if (size < HEADER_BYTES || !head.subarray(0, 16).equals(MAGIC)) return 'no SQLite header ("SQLite format 3")';
  const raw = head.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `page size ${raw} is not a power of two from 512 to 65536`;
  if (![1, 2].includes(head[18]!) || ![1, 2].includes(head[19]!)) return 'unknown file format version';
  if (head[21] !== 64 || head[22] !== 32 || head[23] !== 32) return 'bad payload fractions in the header';
  if (size % pageSize !== 0) return `${size} bytes is not a whole number of ${pageSize}-byte pages (truncated?)`;
  const pages = size / pageSize;
  const headerPages = head.readUInt32BE(28);
  // The header's page count is valid only when written by a version that keeps it (change counter = valid-for).
  if (headerPages !== 0 && head.readUInt32BE(24) === head.readUInt32BE(92) && headerPages !== pages) {
    return `the header counts ${headerPages} pages, the file has ${pages}`;
  }
  if (head.readUInt32BE(32) > pages || head.readUInt32BE(36) >= pages) return 'the freelist points past the end of the file';
  if (!TABLE_PAGE_TYPES.has(head[100]!)) return `page 1 is not a table b-tree page (type ${head[100]})`;
  return undefined;
}

/** Checks the decrypted database as it streams by; keeps only its first 101 bytes. */
export function structureCheck(): ContentCheck {
  const head = Buffer.alloc(HEADER_BYTES);
  let size = 0;
  let ended = false;
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      if (size < HEADER_BYTES) chunk.copy(head, size, 0, Math.min(chunk.length, HEADER_BYTES - size));
      size += chunk.length;
      callback();
    },
    final(callback) {
      ended = true;
      callback();
    },
  });
  return {
    sink,
    note: INTEGRITY_CHECK_SKIPPED,
    result: () => {
      if (!ended) return Promise.reject(new Error('not a sound SQLite database: the stream did not end'));
      const problem = structureProblem(head, size);
      return problem === undefined ? Promise.resolve(null) : Promise.reject(new Error(`not a sound SQLite database: ${problem}`));
    },
  };
}
