// GNU tar's PAX sparse format 1.0, as read by verify's tar walk and by restore. The PAX header of such an entry
// carries GNU.sparse.major=1, GNU.sparse.minor=0, GNU.sparse.name (the real name; the ustar name is a stand-in
// like `dir/GNUSparseFile.0/name`) and GNU.sparse.realsize; the entry's data starts with the sparse map — decimal
// numbers, one a line: the count of regions, then each region's offset and length — padded with zeros to whole
// 512-byte blocks, followed by the regions' bytes back to back. Everything between regions is a hole (zeros).

const BLOCK = 512;
/** More regions than this in one map is not a plausible archive (the map alone would be tens of MiB). */
export const MAX_SPARSE_REGIONS = 1 << 20;

export class SparseMapError extends Error {
  override readonly name = 'SparseMapError';
}

/** An older GNU sparse format (0.0, 0.1): its structure is ordinary tar, but its content cannot be restored here. */
export class SparseVersionError extends SparseMapError {}

/** A sparse entry's real name and size, from its PAX records. */
export interface SparseInfo {
  /** Byte string. */
  name: string;
  realSize: number;
}

/** The sparse 1.0 description in PAX records, undefined for an ordinary entry; other versions throw SparseVersionError. */
export function sparseInfo(records: ReadonlyMap<string, string>): SparseInfo | undefined {
  const major = records.get('GNU.sparse.major');
  const minor = records.get('GNU.sparse.minor');
  if (major === undefined && !records.has('GNU.sparse.map') && !records.has('GNU.sparse.offset')) return undefined;
  if (major !== '1' || minor !== '0') {
    const version = major === undefined ? '0.x' : `${major}.${minor ?? '?'}`;
    throw new SparseVersionError(`GNU tar sparse format ${version} is not supported (only 1.0, GNU tar's default for PAX)`);
  }
  const name = records.get('GNU.sparse.name');
  const realSize = Number(records.get('GNU.sparse.realsize'));
  if (!name) throw new SparseMapError('a sparse entry without GNU.sparse.name');
  if (!Number.isSafeInteger(realSize) || realSize < 0) throw new SparseMapError('a sparse entry with a bad GNU.sparse.realsize');
  return { name, realSize };
}

export interface SparseRegion {
  offset: number;
  length: number;
}

/**
 * Reads the map at the start of a sparse entry's data, fed as it streams. Checks that regions are in order,
 * do not overlap and lie inside the real size, and that the map and the regions fill the stored size exactly.
 */
export class SparseMapParser {
  /** The regions read so far (all of them once `done`), when kept. */
  readonly regions: SparseRegion[] = [];
  /** Bytes the map takes, padding included, once `done`. */
  mapSize = 0;
  done = false;
  private count: number | undefined;
  private pendingOffset: number | undefined;
  private digits = '';
  private consumed = 0;
  private end = 0;
  private dataBytes = 0;
  private seen = 0;

  /** `keep`: collect the regions (restore needs them; a check does not). */
  constructor(
    private readonly realSize: number,
    private readonly storedSize: number,
    private readonly keep = true,
  ) {}

  /** Feeds bytes of the entry's data; returns how many belong to the map (the rest is region data). */
  push(chunk: Buffer): number {
    let at = 0;
    while (!this.done && at < chunk.length) {
      if (this.mapSize > 0) {
        const n = Math.min(this.mapSize - this.consumed, chunk.length - at); // the map's zero padding
        at += n;
        this.consumed += n;
        if (this.consumed === this.mapSize) this.done = true;
        continue;
      }
      const c = chunk[at]!;
      at += 1;
      this.consumed += 1;
      if (c >= 0x30 && c <= 0x39) {
        if (this.digits.length >= 16) throw new SparseMapError('a sparse map number is too long');
        this.digits += String.fromCharCode(c);
      } else if (c === 0x0a && this.digits !== '') {
        this.number(Number(this.digits));
        this.digits = '';
      } else {
        throw new SparseMapError('the sparse map is malformed (expected decimal numbers, one a line)');
      }
    }
    return at;
  }

  private number(value: number): void {
    if (this.count === undefined) {
      if (value > MAX_SPARSE_REGIONS)
        throw new SparseMapError(`the sparse map has ${value} regions, more than ${MAX_SPARSE_REGIONS}`);
      this.count = value;
    } else if (this.pendingOffset === undefined) {
      this.pendingOffset = value;
    } else {
      this.region(this.pendingOffset, value);
      this.pendingOffset = undefined;
    }
    if (this.count === this.seen && this.pendingOffset === undefined) this.finish();
  }

  private region(offset: number, length: number): void {
    if (offset < this.end || offset + length > this.realSize) {
      throw new SparseMapError(`sparse region ${offset}+${length} is out of order or beyond the real size ${this.realSize}`);
    }
    this.end = offset + length;
    this.dataBytes += length;
    this.seen += 1;
    if (this.keep) this.regions.push({ offset, length });
  }

  private finish(): void {
    this.mapSize = Math.ceil(this.consumed / BLOCK) * BLOCK;
    if (this.mapSize + this.dataBytes !== this.storedSize) {
      throw new SparseMapError(
        `the sparse map (${this.mapSize} bytes) and its regions (${this.dataBytes} bytes) do not fill the stored size ${this.storedSize}`,
      );
    }
    if (this.consumed === this.mapSize) this.done = true;
  }
}
