// File names of backups: `<target>-<YYYYMMDDTHHMMSSZ>.<ext>[.age]` plus `.sha256` and `.json`. Name order is time order.
import { ownerTag, parseOwner, type TempOwner } from './temp-owner.js';

export const ARCHIVE_EXTS = ['tar.gz', 'sql.gz', 'tar.zst', 'sql.zst'] as const;
export type ArchiveExt = (typeof ARCHIVE_EXTS)[number];

export const SIDECAR_SUFFIX = '.sha256';
export const MANIFEST_SUFFIX = '.json';
/** Temporary files are hidden and carry this marker; only a run holding the lock removes stale ones. */
export const TEMP_MARKER = '.snapshotter-tmp-';

const STAMP_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `20261121T221300Z` for a date (UTC, whole seconds). */
export function formatStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The date of a stamp, or undefined when the text is not a valid stamp. */
export function parseStamp(stamp: string): Date | undefined {
  const m = STAMP_RE.exec(stamp);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return formatStamp(date) === stamp ? date : undefined;
}

/** Appended to the ext of an archive encrypted with age: `<target>-<stamp>.<ext>.age`. */
export const AGE_SUFFIX = '.age';

export function archiveName(target: string, stamp: string, ext: ArchiveExt, encrypted = false): string {
  return `${target}-${stamp}.${ext}${encrypted ? AGE_SUFFIX : ''}`;
}

/** The ext of an archive file name and whether it is age-encrypted, or undefined when the name is not an archive's. */
export function archiveKind(fileName: string): { ext: ArchiveExt; encrypted: boolean } | undefined {
  const encrypted = fileName.endsWith(AGE_SUFFIX);
  const bare = encrypted ? fileName.slice(0, -AGE_SUFFIX.length) : fileName;
  const ext = ARCHIVE_EXTS.find((e) => bare.endsWith(`.${e}`));
  return ext ? { ext, encrypted } : undefined;
}

export interface ParsedArchiveName {
  target: string;
  stamp: string;
  time: Date;
  ext: ArchiveExt;
  /** A trailing `.age`: the archive is encrypted. */
  encrypted: boolean;
}

/** Parses `<target>-<stamp>.<ext>` for a known target name; anything else is not ours. */
export function parseArchiveName(target: string, fileName: string): ParsedArchiveName | undefined {
  if (!fileName.startsWith(`${target}-`)) return undefined;
  const rest = fileName.slice(target.length + 1);
  const kind = archiveKind(rest);
  if (!kind) return undefined;
  const stamp = rest.slice(0, -(kind.ext.length + 1 + (kind.encrypted ? AGE_SUFFIX.length : 0)));
  const time = parseStamp(stamp);
  return time ? { target, stamp, time, ...kind } : undefined;
}

/** A hidden temporary name beside the final one, unique to this process, naming its owner (host, boot, pid). */
export function tempName(finalName: string): string {
  const random = Math.random().toString(36).slice(2, 10);
  return `.${finalName}${TEMP_MARKER}${ownerTag()}-${random}`;
}

/** The owner recorded in a temp name, if it is one of ours. */
export function tempOwner(fileName: string): TempOwner | undefined {
  if (!isTempName(fileName)) return undefined;
  return parseOwner(fileName.slice(fileName.lastIndexOf(TEMP_MARKER) + TEMP_MARKER.length));
}

export function isTempName(fileName: string): boolean {
  return fileName.startsWith('.') && fileName.includes(TEMP_MARKER);
}
