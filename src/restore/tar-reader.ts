// Reads a tar stream entry by entry with names as byte strings (src/util/byte-names.ts): ustar and GNU headers,
// PAX `x` records (path, linkpath, size, mtime, uid, gid as raw bytes), GNU long names (`L`, `K`). Each entry's
// body is handed on as chunks and must be taken (or is skipped) before the next header is read: bounded memory.
// A GNU sparse 1.0 entry (GNU tar's `--sparse` with PAX) comes under its real name and size, its body as regions.
import { SparseMapError, sparseInfo } from '../archive/sparse-map.js';
import { displayName } from '../util/byte-names.js';
import { plainPieces, sparsePieces, type FilePiece } from './sparse-body.js';

const BLOCK = 512;
/** PAX and long-name bodies larger than this are not plausible headers. */
const MAX_META_SIZE = 1024 * 1024;

export class TarReadError extends Error {
  override readonly name = 'TarReadError';
}

/** Entry type names as node-tar spells them (what the restore plan decides on). */
const TYPES: Record<string, string> = {
  '0': 'File',
  '\0': 'OldFile',
  '1': 'Link',
  '2': 'SymbolicLink',
  '3': 'CharacterDevice',
  '4': 'BlockDevice',
  '5': 'Directory',
  '6': 'FIFO',
  '7': 'ContiguousFile',
  D: 'GNUDumpDir',
};

export interface TarEntry {
  /** Byte string. */
  path: string;
  /** Byte string; '' when none. */
  linkpath: string;
  type: string;
  /** Bytes of content (a sparse file's real size, holes included). */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch, with the PAX fraction when there is one. */
  mtime: number;
}

/** Pulls exact byte counts out of a chunk stream. */
class ByteSource {
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    return true;
  }

  /** Exactly n bytes, or undefined at a clean end of the stream; throws when it ends inside them. */
  async take(n: number): Promise<Buffer | undefined> {
    while (this.buffer.length < n) {
      if (!(await this.fill())) {
        if (this.buffer.length === 0) return undefined;
        throw new TarReadError('the tar stream ends inside an entry');
      }
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Reads the stream to its end (the bytes after the end-of-archive marker still count for the checksum). */
  async drain(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    while (await this.fill()) this.buffer = Buffer.alloc(0);
  }

  /** Up to n bytes as they come (at least one); throws at the end of the stream. */
  async some(n: number): Promise<Buffer> {
    if (this.buffer.length === 0 && !(await this.fill())) throw new TarReadError('the tar stream ends inside an entry');
    const out = this.buffer.subarray(0, Math.min(n, this.buffer.length));
    this.buffer = this.buffer.subarray(out.length);
    return out;
  }
}

function text(block: Buffer, at: number, size: number): string {
  const end = block.indexOf(0, at);
  return block.toString('latin1', at, end < 0 || end > at + size ? at + size : end);
}

function number(block: Buffer, at: number, size: number): number {
  if (block[at]! & 0x80) {
    let value = 0;
    for (let i = at + 1; i < at + size; i += 1) value = value * 256 + block[i]!;
    return value;
  }
  const digits = text(block, at, size).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i += 1) sum += block[i]!;
  for (let i = 156; i < BLOCK; i += 1) sum += block[i]!;
  return number(block, 148, 8) === sum;
}

/** PAX records as byte-string values. */
function paxRecords(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  for (let at = 0; at < body.length && body[at] !== 0;) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.toString('latin1', at, space));
    if (space < 0 || !Number.isInteger(length) || length <= 0 || body[at + length - 1] !== 0x0a) {
      throw new TarReadError('malformed PAX record');
    }
    const record = body.toString('latin1', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

/** The sparse description in an entry's PAX records, as a TarReadError when it is one we cannot read. */
function sparseOf(pax: Map<string, string>, name: string): ReturnType<typeof sparseInfo> {
  try {
    return sparseInfo(pax);
  } catch (error) {
    throw new TarReadError(`${JSON.stringify(displayName(name))}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Calls `onEntry` for each entry, in order, with its body as pieces covering at most `entry.size` bytes (holes
 * left out); what it leaves unread is skipped. Throws TarReadError on a bad header or a stream that stops before
 * the end-of-archive marker.
 */
export async function readTar(
  source: AsyncIterable<Buffer>,
  onEntry: (entry: TarEntry, body: AsyncIterable<FilePiece>) => Promise<void>,
): Promise<void> {
  const bytes = new ByteSource(source[Symbol.asyncIterator]());
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await bytes.take(BLOCK);
    if (!block) throw new TarReadError('the tar stream ends without its end-of-archive marker');
    if (block.every((b) => b === 0)) return bytes.drain(); // the end-of-archive marker (then only padding)
    if (!checksumOk(block)) throw new TarReadError('a tar header with a bad checksum (not a tar archive, or corrupted)');
    const flag = String.fromCharCode(block[156]!);
    let size = number(block, 124, 12);
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_META_SIZE) throw new TarReadError(`an implausibly large ${flag} header`);
      const body = size === 0 ? Buffer.alloc(0) : Buffer.from((await bytes.take(Math.ceil(size / BLOCK) * BLOCK))!);
      if (flag === 'x') pax = paxRecords(body.subarray(0, size));
      else if (flag === 'L') longName = text(body, 0, size);
      else if (flag === 'K') longLink = text(body, 0, size);
      continue;
    }
    const ustar = block.toString('latin1', 257, 263) === 'ustar\0';
    const prefix = ustar ? text(block, 345, 155) : '';
    const name = text(block, 0, 100);
    const paxSize = pax.get('size');
    if (paxSize !== undefined) size = Number(paxSize);
    if (!Number.isSafeInteger(size) || size < 0) throw new TarReadError('an entry with a bad size');
    const path = pax.get('GNU.sparse.name') ?? pax.get('path') ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    const sparse = flag === '0' || flag === '\0' ? sparseOf(pax, path) : undefined;
    const entry: TarEntry = {
      path,
      linkpath: pax.get('linkpath') ?? longLink ?? text(block, 157, 100),
      type: TYPES[flag] ?? `type ${JSON.stringify(flag)}`,
      size: flag === '5' ? 0 : (sparse?.realSize ?? size),
      mode: number(block, 100, 8),
      uid: Number(pax.get('uid') ?? number(block, 108, 8)),
      gid: Number(pax.get('gid') ?? number(block, 116, 8)),
      mtime: Number(pax.get('mtime') ?? number(block, 136, 12)),
    };
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    const stored = flag === '5' ? 0 : size;
    let left = stored;
    const data = (async function* (): AsyncGenerator<Buffer> {
      while (left > 0) {
        const chunk = await bytes.some(left);
        left -= chunk.length;
        yield chunk;
      }
    })();
    const body = sparse ? sparseBody(data, sparse, stored, entry.path) : plainPieces(data);
    await onEntry(entry, body);
    while (left > 0) left -= (await bytes.some(left)).length;
    const pad = (BLOCK - (stored % BLOCK)) % BLOCK;
    if (pad > 0) await bytes.take(pad);
  }
}

/** A sparse entry's regions; a map that does not fit the entry is a TarReadError naming it. */
async function* sparseBody(
  data: AsyncIterable<Buffer>,
  sparse: NonNullable<ReturnType<typeof sparseInfo>>,
  stored: number,
  path: string,
): AsyncGenerator<FilePiece> {
  try {
    yield* sparsePieces(data, sparse, stored);
  } catch (error) {
    if (!(error instanceof SparseMapError)) throw error;
    throw new TarReadError(`${JSON.stringify(displayName(path))}: ${error.message}`, { cause: error });
  }
}
