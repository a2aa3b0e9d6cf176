// Encodes one tar entry header (ustar, with a PAX extended header where names or values do not fit),
// using node-tar's Header and Pax encoders.
import type { Stats } from 'node:fs';
import { Header, Pax, type HeaderData } from 'tar';

export type EntryType = 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice' | 'BlockDevice';

export function entryType(stat: Stats): EntryType | undefined {
  if (stat.isFile()) return 'File';
  if (stat.isDirectory()) return 'Directory';
  if (stat.isSymbolicLink()) return 'SymbolicLink';
  if (stat.isFIFO()) return 'FIFO';
  if (stat.isCharacterDevice()) return 'CharacterDevice';
  if (stat.isBlockDevice()) return 'BlockDevice';
  return undefined; // sockets and the like are not archived (GNU tar ignores them too)
}

/** Header bytes (PAX + ustar) for an entry; `path` is relative to `/`, with a trailing `/` for folders. */
export function encodeHeader(path: string, stat: Stats, type: EntryType, size: number, linkpath?: string): Buffer {
  const data: HeaderData = {
    path,
    linkpath,
    mode: stat.mode & 0o7777,
    uid: stat.uid,
    gid: stat.gid,
    size,
    mtime: stat.mtime,
    type,
    uname: '',
    gname: '',
    devmaj: type === 'CharacterDevice' || type === 'BlockDevice' ? Math.floor(stat.rdev / 256) : 0,
    devmin: type === 'CharacterDevice' || type === 'BlockDevice' ? stat.rdev % 256 : 0,
  };
  const header = new Header(data);
  const needPax = header.encode();
  const block = header.block;
  if (!block) throw new Error(`cannot encode a tar header for ${path}`);
  if (!needPax) return block;
  const pax = new Pax({ path, linkpath, size, mtime: stat.mtime, uid: stat.uid, gid: stat.gid }).encode();
  return Buffer.concat([pax, block]);
}

export const BLOCK = 512;
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

export function padding(size: number): Buffer | undefined {
  const rest = size % BLOCK;
  return rest === 0 ? undefined : Buffer.alloc(BLOCK - rest);
}

/** `num` as node-tar writes it: zero-padded octal, then a space and a NUL (or only a NUL when it fills the field). */
function writeOctal(block: Buffer, at: number, size: number, num: number): void {
  const digits = num.toString(8);
  const text = digits.length === size - 1 ? `${digits}\0` : `${'0'.repeat(size - digits.length - 2)}${digits} \0`;
  block.write(text, at, size, 'latin1');
}

const MAX_OCTAL_8 = 0o7777777;
const MAX_OCTAL_12 = 0o77777777777;
const USTAR_MAGIC = 'ustar\u000000';

/** True when `text` is ASCII and at most `max` bytes: it fits a ustar field as is. */
function isShortAscii(text: string, max: number): boolean {
  if (text.length > max) return false;
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const TYPE_FLAGS: Record<EntryType, string> = {
  File: '0',
  Link: '1',
  SymbolicLink: '2',
  CharacterDevice: '3',
  BlockDevice: '4',
  Directory: '5',
  FIFO: '6',
};

/**
 * The common case without node-tar: an ASCII path under 100 bytes, a short ASCII link target, values that fit
 * their octal fields. Writes the same 512 bytes as encodeHeader at `at` and returns true; returns false (writing
 * nothing) when the entry needs a prefix or a PAX header, which encodeHeader then handles.
 */
export function writeSimpleHeader(
  block: Buffer,
  at: number,
  path: string,
  stat: Stats,
  type: EntryType,
  size: number,
  linkpath?: string,
): boolean {
  const device = type === 'CharacterDevice' || type === 'BlockDevice';
  const mtime = Math.floor(Math.round(stat.mtimeMs) / 1000);
  if (
    !isShortAscii(path, 99) ||
    (linkpath !== undefined && !isShortAscii(linkpath, 100)) ||
    stat.uid > MAX_OCTAL_8 ||
    stat.gid > MAX_OCTAL_8 ||
    size > MAX_OCTAL_12 ||
    mtime < 0 ||
    mtime > MAX_OCTAL_12 ||
    (device && Math.floor(stat.rdev / 256) > MAX_OCTAL_8)
  ) {
    return false;
  }
  block.fill(0, at, at + BLOCK);
  block.write(path, at, 100, 'latin1');
  writeOctal(block, at + 100, 8, stat.mode & 0o7777);
  writeOctal(block, at + 108, 8, stat.uid);
  writeOctal(block, at + 116, 8, stat.gid);
  writeOctal(block, at + 124, 12, size);
  writeOctal(block, at + 136, 12, mtime);
  block[at + 156] = TYPE_FLAGS[type].charCodeAt(0);
  if (linkpath !== undefined) block.write(linkpath, at + 157, 100, 'latin1');
  block.write(USTAR_MAGIC, at + 257, 8, 'latin1');
  writeOctal(block, at + 329, 8, device ? Math.floor(stat.rdev / 256) : 0);
  writeOctal(block, at + 337, 8, device ? stat.rdev % 256 : 0);
  let sum = 8 * 0x20;
  for (let i = at; i < at + 148; i += 1) sum += block[i]!;
  for (let i = at + 156; i < at + BLOCK; i += 1) sum += block[i]!;
  writeOctal(block, at + 148, 8, sum);
  return true;
}
