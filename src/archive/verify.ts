// Deep verification of an archive in one read: sha256 of the file, full decompression (gzip: CRC and length of
// every member; zstd: every frame's checksum; in parallel when the file records where they start), the content
// check of the archive's format (given by its target type, through a resolver: archive/ knows no engine), then
// agreement with the sidecar and the manifest. An age-encrypted archive is decrypted on the way when an identity is
// given; without one, its checksum, manifest and age header are checked and the result says the content was not.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../util/errors.js';
import { codecOf, decompressorFor } from './codec.js';
import { tarOnlyChecks, type ContentCheck, type ContentCheckResolver } from './content-check.js';
import { parseManifest, parseSidecar } from './manifest.js';
import { ByteCounter, HashCounter } from './measure.js';
import { RecycledFileStream } from './recycled-read.js';
import { BufferRecycler } from './recycler.js';
import { archiveKind, MANIFEST_SUFFIX, parseExt, SIDECAR_SUFFIX, type ArchiveExt } from './names.js';
import { AgeDecrypt, type AgeIdentity } from './decrypt.js';
import { checkAgeManifest, checkWithoutIdentity } from './verify-encrypted.js';

export interface StreamCheck {
  sha256: string;
  size_bytes: number;
  /** null when the content was not read (an encrypted archive verified without its identity). */
  uncompressed_bytes: number | null;
  entries: number | null;
}

/** Compressed and inflated bytes read so far (restore watches them to stop a decompression bomb early). */
export type VerifyProgress = (compressed: number, inflated: number) => void;
const READ_CHUNK = 1024 * 1024;
/** Room for a whole unit of ours (a 1 MiB block that did not compress, plus its framing) when one spans two reads. */
const RECYCLED_CHUNK = READ_CHUNK + 64 * 1024;

/**
 * Reads the file once: hash and size of the stored bytes, decryption (with an identity), decompression (when
 * compressed), content check. Throws on any fault. Without a check, a tar archive gets the tar walk and any other
 * format is refused. `ext` is the ext without `.age`.
 */
export async function checkArchiveStream(
  path: string,
  ext: ArchiveExt,
  signal?: AbortSignal,
  onProgress?: VerifyProgress,
  check?: ContentCheck,
  identity?: AgeIdentity,
): Promise<StreamCheck & { uncompressed_bytes: number }> {
  const parts = parseExt(ext);
  if (!parts) throw new Error(`.${ext} is not an archive extension`);
  const content = check ?? (await tarOnlyChecks({ type: undefined, format: parts.format }));
  try {
    const hasher = new HashCounter();
    const inflated = new ByteCounter(onProgress && ((bytes) => onProgress(hasher.bytes, bytes)));
    const codec = codecOf(ext);
    // The decompressor gives read chunks back for reuse when it reads them itself (no decryption in between).
    const buffers = codec && !identity ? new BufferRecycler(RECYCLED_CHUNK) : undefined;
    const read = buffers ? new RecycledFileStream(path, buffers) : createReadStream(path, { highWaterMark: READ_CHUNK });
    const decrypt = identity ? [new AgeDecrypt(identity)] : [];
    await pipeline([read, hasher, ...decrypt, decompressorFor(codec, buffers), inflated, content.sink], { signal });
    return {
      sha256: hasher.sha256,
      size_bytes: hasher.bytes,
      uncompressed_bytes: inflated.bytes,
      entries: await content.result(),
    };
  } finally {
    await content.close?.();
  }
}

export interface VerifyResult {
  path: string;
  ok: boolean;
  problems: string[];
  check: StreamCheck | undefined;
  /** An age-encrypted archive; `content_checked` is false when no identity was given. */
  encrypted: boolean;
  content_checked: boolean;
  /** What the content check could not do (an encrypted SQLite database: no integrity_check). */
  notes: string[];
}

async function hashFile(path: string): Promise<string> {
  const hasher = new HashCounter();
  await pipeline(createReadStream(path), hasher, new Writable({ write: (_chunk, _enc, cb) => cb() }));
  return hasher.sha256;
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/**
 * Verifies an archive beside its sidecar and manifest; every disagreement is a problem. `checks` gives the content
 * check of the manifest's target type (the commands pass the target registry's); by default only tar is walked.
 * `identity` decrypts an age-encrypted archive on the way.
 */
export async function verifyArchive(
  path: string,
  signal?: AbortSignal,
  onProgress?: VerifyProgress,
  checks: ContentCheckResolver = tarOnlyChecks,
  identity?: AgeIdentity,
): Promise<VerifyResult> {
  const problems: string[] = [];
  const notes: string[] = [];
  const name = basename(path);
  const kind = archiveKind(name);
  if (!kind) {
    const problem = 'not an archive name (<target>-<YYYYMMDDTHHMMSSZ>.<format>[.gz|.zst][.age])';
    return { path, ok: false, problems: [problem], check: undefined, encrypted: false, content_checked: false, notes };
  }
  const contentChecked = !kind.encrypted || identity !== undefined;
  const manifestText = await readText(path + MANIFEST_SUFFIX);
  const manifest = manifestText === undefined ? undefined : parseManifest(manifestText);

  let check: StreamCheck | undefined;
  let sha256: string | undefined;
  try {
    if (contentChecked) {
      const content = await checks({ type: manifest?.target.type, format: kind.format, encrypted: kind.encrypted });
      if (content.note) notes.push(content.note);
      check = await checkArchiveStream(path, kind.ext, signal, onProgress, content, kind.encrypted ? identity : undefined);
    } else {
      check = await checkWithoutIdentity(path, signal);
    }
    sha256 = check.sha256;
  } catch (error) {
    problems.push(`content: ${errorMessage(error)}`);
    // The one-pass read stopped early; hash the whole file so the sidecar comparison still says something.
    sha256 = await hashFile(path).catch(() => undefined);
  }

  const sidecarText = await readText(path + SIDECAR_SUFFIX);
  const sidecar = sidecarText === undefined ? undefined : parseSidecar(sidecarText, name);
  if (sidecarText === undefined) problems.push('sidecar: missing');
  else if (!sidecar) problems.push('sidecar: malformed or names another file');
  else if (sha256 && sidecar !== sha256) problems.push(`sidecar: sha256 ${sidecar} but the file hashes to ${sha256}`);

  if (manifestText === undefined) problems.push('manifest: missing');
  else if (!manifest) problems.push('manifest: unreadable');
  else {
    if (manifest.archive !== name) problems.push(`manifest: names ${manifest.archive}`);
    if (check) {
      if (manifest.sha256 !== check.sha256) problems.push('manifest: sha256 differs from the file');
      if (manifest.size_bytes !== check.size_bytes) {
        problems.push(`manifest: size ${manifest.size_bytes} but the file has ${check.size_bytes} bytes`);
      }
      if (check.uncompressed_bytes !== null && manifest.uncompressed_bytes !== check.uncompressed_bytes) {
        problems.push(`manifest: ${manifest.uncompressed_bytes} uncompressed bytes but ${check.uncompressed_bytes} found`);
      }
      if (contentChecked && manifest.entries !== check.entries) {
        problems.push(`manifest: ${manifest.entries} entries but ${check.entries} found`);
      }
    }
    if (kind.encrypted) problems.push(...(await checkAgeManifest(path, manifest)));
  }
  return { path, ok: problems.length === 0, problems, check, encrypted: kind.encrypted, content_checked: contentChecked, notes };
}
