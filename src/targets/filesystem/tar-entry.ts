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
