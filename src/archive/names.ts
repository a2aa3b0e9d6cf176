// File names of backups: `<target>-<YYYYMMDDTHHMMSSZ>.<ext>` plus `.sha256` and `.json`. Name order is time order.
// The ext grammar is `<format>[.<compression>][.age]`: the format is the target's (any `[a-z0-9]+` token: tar,
// sql, db, rdb...), the compression suffix and the encryption suffix are the archive pipeline's.

/** Compression suffixes the archive pipeline writes (absent: stored uncompressed). */
export const COMPRESSION_SUFFIXES = ['gz'] as const;
export type Compression = (typeof COMPRESSION_SUFFIXES)[number];
/** The suffix of an archive encrypted with age. */
export const ENCRYPTION_SUFFIX = 'age';

/** The text after the stamp's dot: `tar.gz`, `sql.gz`, `tar`, `db.gz.age`... */
export type ArchiveExt = string;

export interface ExtParts {
  /** What the target wrote (its own format token). */
  format: string;
  compression: Compression | null;
  encrypted: boolean;
}

const FORMAT_RE = /^[a-z0-9]+$/;
const EXT_RE = new RegExp(`^([a-z0-9]+)(?:\\.(${COMPRESSION_SUFFIXES.join('|')}))?(?:\\.(${ENCRYPTION_SUFFIX}))?$`);

/** `sql` + gz → `sql.gz`; throws for a format token outside the grammar (a programming error). */
export function formatExt(parts: ExtParts): ArchiveExt {
  if (!FORMAT_RE.test(parts.format)) throw new Error(`archive format "${parts.format}" is not [a-z0-9]+`);
  return [parts.format, parts.compression, parts.encrypted ? ENCRYPTION_SUFFIX : null].filter(Boolean).join('.');
}

/** The parts of an ext, or undefined when it does not follow the grammar. */
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

export function archiveName(target: string, stamp: string, ext: ArchiveExt): string {
  return `${target}-${stamp}.${ext}`;
}

export interface ParsedArchiveName extends ExtParts {
  target: string;
  stamp: string;
  time: Date;
  ext: ArchiveExt;
}

/** Parses `<target>-<stamp>.<ext>` for a known target name; anything else is not ours. */
export function parseArchiveName(target: string, fileName: string): ParsedArchiveName | undefined {
  if (!fileName.startsWith(`${target}-`)) return undefined;
  const rest = fileName.slice(target.length + 1);
  const stamp = rest.slice(0, STAMP_LENGTH);
  if (rest[STAMP_LENGTH] !== '.') return undefined;
  const ext = rest.slice(STAMP_LENGTH + 1);
  const parts = parseExt(ext);
  const time = parseStamp(stamp);
  return parts && time ? { target, stamp, time, ext, ...parts } : undefined;
}

/** Parses an archive file name whose target is not known beforehand (`verify PATH`). */
export function splitArchiveName(fileName: string): ParsedArchiveName | undefined {
  const m = /^(.+)-(\d{8}T\d{6}Z)\.([a-z0-9.]+)$/.exec(fileName);
  return m ? parseArchiveName(m[1]!, fileName) : undefined;
}

/** A hidden temporary name beside the final one, unique to this process. */
export function tempName(finalName: string): string {
  const random = Math.random().toString(36).slice(2, 10);
  return `.${finalName}${TEMP_MARKER}${process.pid}-${random}`;
}

export function isTempName(fileName: string): boolean {
  return fileName.startsWith('.') && fileName.includes(TEMP_MARKER);
}
