// Encodes one tar entry header as GNU tar reads it: ustar, with a PAX extended header in front where a value does
// not fit (tar-pax.ts). Names are byte strings (src/util/byte-names.ts) written byte for byte, never re-encoded.
// This file holds the fast path: an ordinary short ASCII entry written straight into the staging buffer.
import type { Stats } from 'node:fs';

export type EntryType = 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice' | 'BlockDevice';

/** What one header describes; `path` is relative to `/` (folders end in `/`), names are byte strings. */
export interface EntryMeta {
  path: string;
  type: EntryType;
  stat: Stats;
  size: number;
  linkpath?: string | undefined;
  /** The owner's user and group names ('' when the id has none), as GNU tar writes them. */
  uname: string;
  gname: string;
}

export function entryType(stat: Stats): EntryType | undefined {
  if (stat.isFile()) return 'File';
  if (stat.isDirectory()) return 'Directory';
  if (stat.isSymbolicLink()) return 'SymbolicLink';
  if (stat.isFIFO()) return 'FIFO';
  if (stat.isCharacterDevice()) return 'CharacterDevice';
  if (stat.isBlockDevice()) return 'BlockDevice';
  return undefined; // sockets and the like are not archived (GNU tar ignores them too)
}

/** Linux's major and minor of a device number (glibc's gnu_dev_major / gnu_dev_minor). */
export function deviceNumbers(rdev: number): { major: number; minor: number } {
  const dev = BigInt(rdev);
  return {
    major: Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)),
    minor: Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)),
  };
}

export const BLOCK = 512;
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);
export const MAX_OCTAL_8 = 0o7777777;
export const MAX_OCTAL_12 = 0o77777777777;

export function padding(size: number): Buffer | undefined {
  const rest = size % BLOCK;
  return rest === 0 ? undefined : Buffer.alloc(BLOCK - rest);
}

/** True when `text` is ASCII and at most `max` bytes: it fits a ustar field as is. */
export function isShortAscii(text: string, max: number): boolean {
  if (text.length > max) return false;
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The ustar fields of one header block; numbers that do not fit are written by the caller's PAX records. */
export interface UstarFields {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  flag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

/** `num` as zero-padded octal, then a space and a NUL (or only a NUL when it fills the field); base-256 beyond. */
function writeNumber(block: Buffer, at: number, size: number, num: number): void {
  const digits = num.toString(8);
  if (digits.length > size - 1) {
    block[at] = 0x80; // GNU base-256, big-endian
    let rest = BigInt(num);
    for (let i = at + size - 1; i > at; i -= 1, rest >>= 8n) block[i] = Number(rest & 0xffn);
    return;
  }
  const text = digits.length === size - 1 ? `${digits}\0` : `${'0'.repeat(size - digits.length - 2)}${digits} \0`;
  block.write(text, at, size, 'latin1');
}

/** Writes one ustar header block at `at` (all 512 bytes, checksum last). */
export function writeUstar(block: Buffer, at: number, f: UstarFields): void {
  block.fill(0, at, at + BLOCK);
  block.write(f.name, at, 100, 'latin1');
  writeNumber(block, at + 100, 8, f.mode);
  writeNumber(block, at + 108, 8, f.uid);
  writeNumber(block, at + 116, 8, f.gid);
  writeNumber(block, at + 124, 12, f.size);
  writeNumber(block, at + 136, 12, f.mtime);
  block[at + 156] = f.flag.charCodeAt(0);
  block.write(f.linkname, at + 157, 100, 'latin1');
  block.write('ustar\u000000', at + 257, 8, 'latin1');
  block.write(f.uname, at + 265, 32, 'latin1');
  block.write(f.gname, at + 297, 32, 'latin1');
  writeNumber(block, at + 329, 8, f.devmajor);
  writeNumber(block, at + 337, 8, f.devminor);
  block.write(f.prefix, at + 345, 155, 'latin1');
  let sum = 8 * 0x20;
  for (let i = at; i < at + 148; i += 1) sum += block[i]!;
  for (let i = at + 156; i < at + BLOCK; i += 1) sum += block[i]!;
  writeNumber(block, at + 148, 8, sum);
}

export const TYPE_FLAGS: Record<EntryType, string> = {
  File: '0',
  Link: '1',
  SymbolicLink: '2',
  CharacterDevice: '3',
  BlockDevice: '4',
  Directory: '5',
  FIFO: '6',
};

/** The ustar fields of an entry whose values all fit (the caller checked, or PAX records carry the rest). */
export function ustarFields(e: EntryMeta, mtime: number): UstarFields {
  const device = e.type === 'CharacterDevice' || e.type === 'BlockDevice';
  const { major, minor } = device ? deviceNumbers(e.stat.rdev) : { major: 0, minor: 0 };
  return {
    name: e.path,
    prefix: '',
    mode: e.stat.mode & 0o7777,
    uid: e.stat.uid,
    gid: e.stat.gid,
    size: e.size,
    mtime,
    flag: TYPE_FLAGS[e.type],
    linkname: e.linkpath ?? '',
    uname: e.uname,
    gname: e.gname,
    devmajor: major,
    devminor: minor,
  };
}

/**
 * False when `mtimeMs` (a double, about 0.2 µs apart at today's times) may have been rounded up from a time just
 * before the next second: it lies on a whole second or within a microsecond below one. The exact stat decides.
 */
function wholeSecondsCertain(mtimeMs: number, seconds: number): boolean {
  const fraction = mtimeMs - seconds * 1000;
  return fraction !== 0 && fraction < 999.999;
}

/**
 * The common case: an ASCII path under 100 bytes, short ASCII link target and owner names, values that fit their
 * octal fields, an mtime whose whole seconds are certain from `mtimeMs`. Writes the same 512 bytes as
 * encodeHeader at `at` and returns true; returns false (writing nothing) otherwise.
 */
export function writeSimpleHeader(block: Buffer, at: number, e: EntryMeta): boolean {
  const { stat } = e;
  const mtime = Math.floor(stat.mtimeMs / 1000);
  if (
    !isShortAscii(e.path, 99) ||
    (e.linkpath !== undefined && !isShortAscii(e.linkpath, 100)) ||
    !isShortAscii(e.uname, 31) ||
    !isShortAscii(e.gname, 31) ||
    stat.uid > MAX_OCTAL_8 ||
    stat.gid > MAX_OCTAL_8 ||
    e.size > MAX_OCTAL_12 ||
    mtime < 0 ||
    mtime > MAX_OCTAL_12 ||
    !wholeSecondsCertain(stat.mtimeMs, mtime) ||
    ((e.type === 'CharacterDevice' || e.type === 'BlockDevice') && stat.rdev > 0xffffffff)
  ) {
    return false;
  }
  writeUstar(block, at, ustarFields(e, mtime));
  return true;
}
