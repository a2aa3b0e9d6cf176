// An entry's data as pieces placed in the file: an ordinary entry's bytes run from offset 0; a GNU sparse 1.0
// entry's stored data (its map, then the regions back to back; src/archive/sparse-map.ts) becomes each region's
// bytes at its offset, and everything between stays a hole.
import { SparseMapError, SparseMapParser, type SparseInfo } from '../archive/sparse-map.js';

/** Bytes of a file's content and where they go. */
export interface FilePiece {
  offset: number;
  data: Buffer;
}

/** An ordinary entry's data, in order from offset 0. */
export async function* plainPieces(stored: AsyncIterable<Buffer>): AsyncGenerator<FilePiece> {
  let offset = 0;
  for await (const data of stored) {
    yield { offset, data };
    offset += data.length;
  }
}

/** A sparse entry's regions at their offsets; throws a SparseMapError for a map that does not fit the entry. */
export async function* sparsePieces(
  stored: AsyncIterable<Buffer>,
  info: SparseInfo,
  storedSize: number,
): AsyncGenerator<FilePiece> {
  const map = new SparseMapParser(info.realSize, storedSize);
  let region = 0;
  let within = 0;
  for await (const chunk of stored) {
    let at = map.done ? 0 : map.push(chunk);
    while (at < chunk.length) {
      const current = map.regions[region];
      if (!current) throw new SparseMapError('more data than the sparse map describes');
      const n = Math.min(current.length - within, chunk.length - at);
      if (n > 0) yield { offset: current.offset + within, data: chunk.subarray(at, at + n) };
      at += n;
      within += n;
      if (within === current.length) {
        region += 1;
        within = 0;
      }
    }
  }
  if (!map.done) throw new SparseMapError('the sparse map is cut short');
}
