// Deep verification of an archive in one read: sha256 of the file, full gunzip (CRC and length of every member,
// inflated in parallel when the members record their lengths), the content check of the archive's format (given
// by its target type, through a resolver: archive/ knows no engine), then agreement with sidecar and manifest.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../util/errors.js';
import { tarOnlyChecks, type ContentCheck, type ContentCheckResolver } from './content-check.js';
import { parseManifest, parseSidecar } from './manifest.js';
import { ByteCounter, HashCounter } from './measure.js';
import { ParallelGunzip } from './parallel-gunzip.js';
import { MANIFEST_SUFFIX, parseExt, SIDECAR_SUFFIX, splitArchiveName, type ArchiveExt } from './names.js';

export interface StreamCheck {
  sha256: string;
  size_bytes: number;
  uncompressed_bytes: number;
  entries: number | null;
}

/** Compressed and inflated bytes read so far (restore watches them to stop a gzip bomb early). */
export type VerifyProgress = (compressed: number, inflated: number) => void;
const READ_CHUNK = 1024 * 1024;

/**
 * Reads the file once: hash and size of the stored bytes, gunzip (when compressed), content check. Throws on any
 * fault. Without a check, a tar archive gets the tar walk and any other format is refused.
 */
export async function checkArchiveStream(
  path: string,
  ext: ArchiveExt,
  signal?: AbortSignal,
  onProgress?: VerifyProgress,
  check?: ContentCheck,
): Promise<StreamCheck> {
  const parts = parseExt(ext);
  if (!parts) throw new Error(`.${ext} is not an archive extension`);
  if (parts.encrypted) throw new Error('encrypted archives need a key to check their content');
  const content = check ?? (await tarOnlyChecks({ type: undefined, format: parts.format }));
  try {
    const hasher = new HashCounter();
    const inflated = new ByteCounter(onProgress && ((bytes) => onProgress(hasher.bytes, bytes)));
    const stages = parts.compression === 'gz' ? [new ParallelGunzip()] : [];
    await pipeline([createReadStream(path, { highWaterMark: READ_CHUNK }), hasher, ...stages, inflated, content.sink], {
      signal,
    });
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
 */
export async function verifyArchive(
  path: string,
  signal?: AbortSignal,
  onProgress?: VerifyProgress,
  checks: ContentCheckResolver = tarOnlyChecks,
): Promise<VerifyResult> {
  const problems: string[] = [];
  const name = basename(path);
  const parsed = splitArchiveName(name);
  if (!parsed) {
    return { path, ok: false, problems: ['not an archive name (<target>-<YYYYMMDDTHHMMSSZ>.<format>[.gz])'], check: undefined };
  }
  const manifestText = await readText(path + MANIFEST_SUFFIX);
  const manifest = manifestText === undefined ? undefined : parseManifest(manifestText);

  let check: StreamCheck | undefined;
  let sha256: string | undefined;
  try {
    const content = await checks({ type: manifest?.target.type, format: parsed.format });
    check = await checkArchiveStream(path, parsed.ext, signal, onProgress, content);
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
      if (manifest.uncompressed_bytes !== check.uncompressed_bytes) {
        problems.push(`manifest: ${manifest.uncompressed_bytes} uncompressed bytes but ${check.uncompressed_bytes} found`);
      }
      if (manifest.entries !== check.entries) problems.push(`manifest: ${manifest.entries} entries but ${check.entries} found`);
    }
  }
  return { path, ok: problems.length === 0, problems, check };
}
