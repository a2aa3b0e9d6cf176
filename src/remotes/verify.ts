// Checking a remote's backups: object agreement (archive size and sha256 metadata against the manifest, via HEAD),
// and with `download` the archive streamed through the same deep checks as a local verify — nothing on disk. An
// age-encrypted archive is decrypted on the way with an identity; without one its checksum and age header are
// checked and the result says the content was not.
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AGE_MAX_HEADER_BYTES,
  AGE_NONCE_BYTES,
  AgeFormatError,
  parseAgeHeader,
  payloadSizeProblem,
} from '../archive/age-header.js';
import { codecOf, decompressorFor } from '../archive/codec.js';
import { tarOnlyChecks, type ContentCheckResolver } from '../archive/content-check.js';
import { AgeDecrypt, type AgeIdentity } from '../archive/decrypt.js';
import { ByteCounter, HashCounter } from '../archive/measure.js';
import { errorMessage } from '../util/errors.js';
import { readRemoteCatalog, type CompleteRemoteBackup } from './catalog.js';
import type { RemoteStore } from './types.js';

export interface RemoteVerifyResult {
  target: string;
  name: string;
  key: string;
  ok: boolean;
  problems: string[];
  /** false for an age-encrypted archive downloaded without its identity (checksum and header only). */
  content_checked: boolean;
}

/** Keeps the first bytes that pass (the age header). */
class HeadKeeper extends Transform {
  head = Buffer.alloc(0);
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.head.length <= AGE_MAX_HEADER_BYTES)
      this.head = Buffer.concat([this.head, chunk.subarray(0, AGE_MAX_HEADER_BYTES + 1 - this.head.length)]);
    callback(null, chunk);
  }
}

/** Without an identity: the download's checksum, the age header, a possible payload length, the recipient count. */
async function checkEncryptedWithoutIdentity(
  store: RemoteStore,
  b: CompleteRemoteBackup,
  signal: AbortSignal,
): Promise<string[]> {
  const hasher = new HashCounter();
  const head = new HeadKeeper();
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const problems: string[] = [];
  try {
    await pipeline(await store.get(b.key), hasher, head, discard, { signal });
    const header = parseAgeHeader(head.head);
    if (!header) throw new AgeFormatError('the age header is cut off (truncated file)');
    const payload = payloadSizeProblem(hasher.bytes - header.length - AGE_NONCE_BYTES);
    if (payload) throw new AgeFormatError(payload);
    const recipients = b.manifest.encryption?.recipients.length;
    const x25519 = header.stanzas.filter((type) => type === 'X25519').length;
    if (recipients !== x25519)
      problems.push(`manifest: ${recipients ?? 'no'} recipients, but the age header has ${x25519} X25519 stanzas`);
  } catch (error) {
    return [`content: ${errorMessage(error)}`];
  }
  if (hasher.sha256 !== b.manifest.sha256)
    problems.push(`download: sha256 ${hasher.sha256} but the manifest says ${b.manifest.sha256}`);
  return problems;
}

async function deepCheck(
  store: RemoteStore,
  b: CompleteRemoteBackup,
  signal: AbortSignal,
  checks: ContentCheckResolver,
  identity: AgeIdentity | undefined,
): Promise<string[]> {
  const hasher = new HashCounter();
  const inflated = new ByteCounter();
  let entries: number | null;
  try {
    const content = await checks({ type: b.manifest.target.type, format: b.format, encrypted: b.encrypted });
    try {
      const decrypt = b.encrypted ? [new AgeDecrypt(identity!)] : [];
      await pipeline([await store.get(b.key), hasher, ...decrypt, decompressorFor(codecOf(b.ext)), inflated, content.sink], {
        signal,
      });
      entries = await content.result();
    } finally {
      await content.close?.();
    }
  } catch (error) {
    return [`content: ${errorMessage(error)}`];
  }
  const problems: string[] = [];
  const m = b.manifest;
  if (hasher.sha256 !== m.sha256) problems.push(`download: sha256 ${hasher.sha256} but the manifest says ${m.sha256}`);
  if (hasher.bytes !== m.size_bytes) problems.push(`download: ${hasher.bytes} bytes but the manifest says ${m.size_bytes}`);
  if (inflated.bytes !== m.uncompressed_bytes)
    problems.push(`manifest: ${m.uncompressed_bytes} uncompressed bytes but ${inflated.bytes} found`);
  if (entries !== m.entries) problems.push(`manifest: ${m.entries} entries but ${entries} found`);
  return problems;
}

/** Verifies one host's target on a remote; incomplete backups are reported, not failed (a crash leaves them). */
export async function verifyRemoteTarget(
  store: RemoteStore,
  hostname: string,
  target: string,
  options: { download: boolean; signal: AbortSignal; checks?: ContentCheckResolver; identity?: AgeIdentity },
): Promise<{ results: RemoteVerifyResult[]; incomplete: { name: string; reason: string }[] }> {
  const catalog = await readRemoteCatalog(store, hostname, target);
  const results: RemoteVerifyResult[] = [];
  for (const b of catalog.complete) {
    const problems: string[] = [];
    const head = await store.head(b.key);
    if (!head) problems.push('archive: gone');
    else {
      if (head.sha256 !== b.sha256)
        problems.push(`archive: sha256 metadata ${head.sha256 ?? 'missing'} but the manifest says ${b.sha256}`);
      if (head.size !== b.size_bytes) problems.push(`archive: ${head.size} bytes but the manifest says ${b.size_bytes}`);
    }
    const contentChecked = options.download && (!b.encrypted || options.identity !== undefined);
    if (options.download && problems.length === 0) {
      if (contentChecked)
        problems.push(...(await deepCheck(store, b, options.signal, options.checks ?? tarOnlyChecks, options.identity)));
      else problems.push(...(await checkEncryptedWithoutIdentity(store, b, options.signal)));
    }
    results.push({ target, name: b.name, key: b.key, ok: problems.length === 0, problems, content_checked: contentChecked });
  }
  return { results, incomplete: catalog.incomplete.map((b) => ({ name: b.name, reason: b.reason })) };
}
