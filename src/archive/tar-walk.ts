// A fast structural walk of a tar stream: every 512-byte header is checked (checksum, numeric fields, PAX
// records) and every entry's data is skipped by its size without being copied. It counts entries as node-tar
// does (PAX and GNU long-name headers are not entries) and requires the end-of-archive marker, so a stream cut
// anywhere — inside an entry or between two — fails. A GNU sparse 1.0 entry's map is read and checked against its
// stored and real sizes (sparse-map.ts).
import { SparseMapError, SparseMapParser, sparseInfo, SparseVersionError, type SparseInfo } from './sparse-map.js';

const BLOCK = 512;
/** Header types that describe the next entry rather than being one. */
const META_TYPES = new Set(['x', 'g', 'L', 'K']);
/** PAX and long-name bodies larger than this are not plausible headers. */
const MAX_META_SIZE = 1024 * 1024;

export class TarStructureError extends Error {}

/** True for an all-zero block (the end-of-archive marker is two of them). */
function isZero(block: Buffer): boolean {
  for (let i = 0; i < block.length; i += 1) if (block[i] !== 0) return false;
  return true;
}

/** A numeric header field: NUL/space-terminated octal, or GNU base-256 (high bit set). */
function parseNumber(block: Buffer, at: number, size: number, what: string, offset: number): number {
  const first = block[at]!;
  if (first & 0x80) {
    if (first !== 0x80) throw new TarStructureError(`header at byte ${offset}: negative ${what}`);
    let value = 0;
    for (let i = at + 1; i < at + size; i += 1) value = value * 256 + block[i]!;
    if (!Number.isSafeInteger(value)) throw new TarStructureError(`header at byte ${offset}: ${what} out of range`);
    return value;
  }
  let value = 0;
  let i = at;
  const end = at + size;
  while (i < end && block[i] === 0x20) i += 1;
  for (; i < end; i += 1) {
    const c = block[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw new TarStructureError(`header at byte ${offset}: ${what} is not an octal number`);
    value = value * 8 + (c - 0x30);
  }
  return value;
}

/** The `size` record of a PAX extended header body, if any, and its sparse description; malformed records fail. */
function paxFields(body: Buffer, offset: number): { size: number | undefined; sparse: SparseInfo | undefined } {
  let size: number | undefined;
  const sparse = new Map<string, string>();
  for (let at = 0; at < body.length;) {
    if (body[at] === 0) break; // NUL padding
    const space = body.indexOf(0x20, at);
    const length = Number(body.toString('latin1', at, space));
    if (space < 0 || !Number.isInteger(length) || length <= 0 || at + length > body.length || body[at + length - 1] !== 0x0a) {
      throw new TarStructureError(`PAX header at byte ${offset}: malformed record`);
    }
    const record = body.toString('utf8', space + 1, at + length - 1);
    if (record.startsWith('size=')) {
      const value = Number(record.slice(5));
      if (!Number.isSafeInteger(value) || value < 0) throw new TarStructureError(`PAX header at byte ${offset}: bad size`);
      size = value;
    } else if (record.startsWith('GNU.sparse.')) {
      const eq = record.indexOf('=');
      sparse.set(record.slice(0, eq), record.slice(eq + 1));
    }
    at += length;
  }
  try {
    return { size, sparse: sparseInfo(sparse) };
  } catch (error) {
    if (error instanceof SparseVersionError) return { size, sparse: undefined }; // stored as plain data: sound tar
    throw new TarStructureError(`PAX header at byte ${offset}: ${(error as Error).message}`);
  }
}

export class TarWalker {
  entries = 0;
  /** Bytes of the tar stream seen so far. */
  private offset = 0;
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Data (and padding) bytes of the current entry still to skip. */
  private skip = 0;
  /** Body of a PAX header being collected, and how much of it is still to come. */
  private meta: { type: string; body: Buffer; fill: number; padded: number } | undefined;
  private nextSize: number | undefined;
  private nextSparse: SparseInfo | undefined;
  /** The map of the current sparse entry while it is read. */
  private sparse: SparseMapParser | undefined;
  private sparseOffset = 0;
  private zeroBlocks = 0;
  private ended = false;

  /** Feeds the next bytes of the stream; throws a TarStructureError at the first fault. */
  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.ended) {
        for (; at < chunk.length; at += 1) {
          if (chunk[at] !== 0) throw new TarStructureError(`data after the end-of-archive marker at byte ${this.offset + at}`);
        }
        break;
      }
      if (this.meta) {
        const meta = this.meta;
        const n = Math.min(chunk.length - at, meta.padded - meta.fill);
        if (meta.fill < meta.body.length) chunk.copy(meta.body, meta.fill, at, at + Math.min(n, meta.body.length - meta.fill));
        meta.fill += n;
        at += n;
        if (meta.fill === meta.padded) {
          this.meta = undefined;
          if (meta.type === 'x') {
            const fields = paxFields(meta.body, this.offset + at - meta.padded);
            this.nextSize = fields.size;
            this.nextSparse = fields.sparse;
          }
        }
        continue;
      }
      if (this.skip > 0) {
        if (this.sparse) {
          at += this.readMap(chunk.subarray(at, at + Math.min(this.skip, chunk.length - at)));
          continue;
        }
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      let block: Buffer;
      if (this.headerFill === 0 && chunk.length - at >= BLOCK) {
        block = chunk.subarray(at, at + BLOCK);
        at += BLOCK;
      } else {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + n);
        this.headerFill += n;
        at += n;
        if (this.headerFill < BLOCK) continue;
        this.headerFill = 0;
        block = this.header;
      }
      this.onHeader(block, this.offset + at - BLOCK);
    }
    this.offset += chunk.length;
  }

  /** Call at the end of the stream: the entry count, or a TarStructureError when the stream stopped early. */
  end(): number {
    if (!this.ended) {
      throw new TarStructureError(`unexpected end of the tar stream after ${this.offset} bytes (no end-of-archive marker)`);
    }
    return this.entries;
  }

  private onHeader(block: Buffer, offset: number): void {
    if (isZero(block)) {
      this.zeroBlocks += 1;
      if (this.zeroBlocks === 2) this.ended = true;
      return;
    }
    if (this.zeroBlocks > 0) throw new TarStructureError(`a lone zero block before the header at byte ${offset}`);
    let sum = 8 * 0x20;
    for (let i = 0; i < 148; i += 1) sum += block[i]!;
    for (let i = 156; i < BLOCK; i += 1) sum += block[i]!;
    const recorded = parseNumber(block, 148, 8, 'checksum', offset);
    if (recorded !== sum)
      throw new TarStructureError(`header at byte ${offset}: checksum mismatch (not a tar header, or corrupted)`);
    const type = String.fromCharCode(block[156]!);
    const headerSize = parseNumber(block, 124, 12, 'size', offset);
    if (META_TYPES.has(type)) {
      if (headerSize > MAX_META_SIZE) throw new TarStructureError(`header at byte ${offset}: implausible ${type} header size`);
      const padded = Math.ceil(headerSize / BLOCK) * BLOCK;
      this.meta = { type, body: Buffer.alloc(headerSize), fill: 0, padded };
      if (padded === 0) {
        this.meta = undefined;
        if (type === 'x') {
          this.nextSize = undefined;
          this.nextSparse = undefined;
        }
      }
      return;
    }
    const size = type === '5' ? 0 : (this.nextSize ?? headerSize);
    const sparse = this.nextSparse;
    this.nextSize = undefined;
    this.nextSparse = undefined;
    this.entries += 1;
    this.skip = Math.ceil(size / BLOCK) * BLOCK;
    if (sparse && (type === '0' || type === '\0')) this.startMap(sparse, size, offset);
  }

  /** A sparse entry: its map is read from the start of its data. */
  private startMap(sparse: SparseInfo, size: number, offset: number): void {
    if (size === 0) throw new TarStructureError(`sparse entry at byte ${offset}: no sparse map`);
    this.sparse = new SparseMapParser(sparse.realSize, size, false);
    this.sparseOffset = offset;
  }

  /** Feeds the current sparse entry's data (at most what is left of it) to its map parser; the bytes it took. */
  private readMap(bytes: Buffer): number {
    const parser = this.sparse!;
    let used: number;
    try {
      used = parser.push(bytes);
    } catch (error) {
      if (!(error instanceof SparseMapError)) throw error;
      throw new TarStructureError(`sparse entry at byte ${this.sparseOffset}: ${error.message}`);
    }
    this.skip -= used;
    if (parser.done) this.sparse = undefined;
    else if (this.skip === 0) throw new TarStructureError(`sparse entry at byte ${this.sparseOffset}: its map is cut short`);
    return used;
  }
}
