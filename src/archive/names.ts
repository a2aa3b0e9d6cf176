// File names of backups: `<target>-<YYYYMMDDTHHMMSSZ>.<ext>[.age]` plus `.sha256` and `.json`. Name order is time order.
// The ext grammar is `<format>[.<compression>]`: the format is the target's (any `[a-z0-9]+` token: tar, sql, db,
// rdb...), the compression suffix (gz, zst) and the encryption suffix (`.age`) are the archive pipeline's.
import { ownerTag, parseOwner, type TempOwner } from './temp-owner.js';

/** Compression suffixes the archive pipeline writes (absent: stored uncompressed). */
export const COMPRESSION_SUFFIXES = ['gz', 'zst'] as const;
export type Compression = (typeof COMPRESSION_SUFFIXES)[number];
/** The suffix of an archive encrypted with age (without its dot). */
export const ENCRYPTION_SUFFIX = 'age';

/** The text after the stamp's dot, without a trailing `.age`: `tar.gz`, `sql.zst`, `tar`, `db.gz`... */
export type ArchiveExt = string;

export interface ExtParts {
  /** What the target wrote (its own format token). */
  format: string;
  compression: Compression | null;
  encrypted: boolean;
}

const FORMAT_RE = /^[a-z0-9]+$/;
const EXT_RE = new RegExp(`^([a-z0-9]+)(?:\\.(${COMPRESSION_SUFFIXES.join('|')}))?(?:\\.(${ENCRYPTION_SUFFIX}))?$`);

/** `sql` + gz → `sql.gz` (+ `.age` when encrypted); throws for a format token outside the grammar (a programming error). */
export function formatExt(parts: ExtParts): string {
  if (!FORMAT_RE.test(parts.format)) throw new Error(`archive format "${parts.format}" is not [a-z0-9]+`);
  return [parts.format, parts.compression, parts.encrypted ? ENCRYPTION_SUFFIX : null].filter(Boolean).join('.');
}

/** The parts of an ext (with or without `.age`), or undefined when it does not follow the grammar. */
export function parseExt(ext: string): ExtParts | undefined {
  const m = EXT_RE.exec(ext);
  if (!m) return undefined;
  return { format: m[1]!, compression: (m[2] as Compression | undefined) ?? null, encrypted: m[3] !== undefined };
}

export const SIDECAR_SUFFIX = '.sha256';
export const MANIFEST_SUFFIX = '.json';
/** Temporary files are hidden and carry this marker; only a run holding the lock removes stale ones. */
export const TEMP_MARKER = '.snapshotter-tmp-';

const STAMP_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const STAMP_LENGTH = 'YYYYMMDDTHHMMSSZ'.length;

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

const LOOSE_EXT_RE = new RegExp(`\\.([a-z0-9]+\\.(?:${COMPRESSION_SUFFIXES.join('|')}))(?:\\.${ENCRYPTION_SUFFIX})?$`);

/**
 * The ext (without `.age`), its parts and whether it is age-encrypted, for an archive file name or a path to one:
 * `<target>-<stamp>.<format>[.gz|.zst][.age]`, or a renamed copy whose name still ends `.<format>.<gz|zst>[.age]`;
 * undefined for anything else.
 */
export function archiveKind(fileName: string): (ExtParts & { ext: ArchiveExt }) | undefined {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const parsed = splitArchiveName(base);
  if (parsed) return { ext: parsed.ext, format: parsed.format, compression: parsed.compression, encrypted: parsed.encrypted };
  const loose = LOOSE_EXT_RE.exec(base);
  const parts = loose && parseExt(loose[1]!);
  return parts ? { ...parts, ext: loose[1]!, encrypted: base.endsWith(`.${ENCRYPTION_SUFFIX}`) } : undefined;
}

export interface ParsedArchiveName extends ExtParts {
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
  const stamp = rest.slice(0, STAMP_LENGTH);
  if (rest[STAMP_LENGTH] !== '.') return undefined;
  const full = rest.slice(STAMP_LENGTH + 1);
  const parts = parseExt(full);
  const time = parseStamp(stamp);
  if (!parts || !time) return undefined;
  const ext = parts.encrypted ? full.slice(0, -(ENCRYPTION_SUFFIX.length + 1)) : full;
  return { target, stamp, time, ext, ...parts };
}

/** Parses an archive file name whose target is not known beforehand (`verify PATH`). */
export function splitArchiveName(fileName: string): ParsedArchiveName | undefined {
  const m = /^(.+)-(\d{8}T\d{6}Z)\.([a-z0-9.]+)$/.exec(fileName);
  return m ? parseArchiveName(m[1]!, fileName) : undefined;
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
