// The gzip members we write: a standard gzip header whose FEXTRA field (RFC 1952 §2.3.1.1) carries a subfield
// `Sn` holding the member's total length, so a reader can find every member boundary without inflating and
// decompress members in parallel. Any gzip reader skips the field; the stream stays plain multi-member gzip.

/** Subfield id of the member length: 'S', 'n'. */
const SI1 = 0x53;
const SI2 = 0x6e;
const FEXTRA = 0x04;
/** 10 fixed bytes + XLEN (2) + one subfield (4 + 4). */
export const MEMBER_HEADER_SIZE = 20;
/** zlib's own gzip header (no name, no extra), which our header replaces. */
export const ZLIB_HEADER_SIZE = 10;
/** A member longer than this is not one of ours: refuse rather than buffer it. */
export const MAX_MEMBER_SIZE = 64 * 1024 * 1024;

/** The header of a member whose deflate data and trailer take `rest` bytes. */
export function memberHeader(rest: number): Buffer {
  const header = Buffer.alloc(MEMBER_HEADER_SIZE);
  header[0] = 0x1f;
  header[1] = 0x8b;
  header[2] = 8; // deflate
  header[3] = FEXTRA;
  // MTIME 0 (none), XFL 0, OS 3 (Unix): the bytes depend on the data only
  header[9] = 3;
  header.writeUInt16LE(8, 10);
  header[12] = SI1;
  header[13] = SI2;
  header.writeUInt16LE(4, 14);
  header.writeUInt32LE(MEMBER_HEADER_SIZE + rest, 16);
  return header;
}

/** The first 16 bytes every member we write starts with (the length follows). */
const CANONICAL = memberHeader(0).subarray(0, 16);

export type MemberProbe = { kind: 'need-more' } | { kind: 'indexed'; length: number; canonical: boolean } | { kind: 'plain' };

/**
 * Looks at the bytes where a member starts: its total length when the header carries our subfield (and whether
 * the rest of the header is exactly what we write: gzip's CRC does not cover the header), `plain`
 * for any other gzip member (or bytes that are not gzip: the sequential gunzip reports those), `need-more`
 * when the header is not complete yet.
 */
export function probeMember(bytes: Buffer): MemberProbe {
  if (bytes.length < 12) return { kind: 'need-more' };
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8 || (bytes[3]! & FEXTRA) === 0) return { kind: 'plain' };
  const xlen = bytes.readUInt16LE(10);
  if (bytes.length < 12 + xlen) return { kind: 'need-more' };
  for (let at = 12; at + 4 <= 12 + xlen;) {
    const size = bytes.readUInt16LE(at + 2);
    if (bytes[at] === SI1 && bytes[at + 1] === SI2 && size === 4 && at + 8 <= 12 + xlen) {
      const length = bytes.readUInt32LE(at + 4);
      if (length < MEMBER_HEADER_SIZE + 8 || length > MAX_MEMBER_SIZE) {
        throw new Error(`gzip member declares an impossible length of ${length} bytes`);
      }
      return { kind: 'indexed', length, canonical: bytes.subarray(0, 16).equals(CANONICAL) };
    }
    at += 4 + size;
  }
  // our fixed header (flags, no mtime, Unix, XLEN 8) with another subfield: a damaged header of ours
  if (bytes.subarray(0, 12).equals(CANONICAL.subarray(0, 12))) throw new Error('gzip member header damaged');
  return { kind: 'plain' };
}
