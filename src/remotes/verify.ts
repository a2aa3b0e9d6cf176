// Checking a remote's backups: object agreement (archive size and sha256 metadata against the manifest, via HEAD),
// and with `download` the archive streamed through the same deep checks as a local verify — nothing on disk.
import { pipeline } from 'node:stream/promises';
import { codecOf, decompressorFor } from '../archive/codec.js';
import { tarOnlyChecks, type ContentCheckResolver } from '../archive/content-check.js';
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
}

async function deepCheck(
  store: RemoteStore,
  b: CompleteRemoteBackup,
  signal: AbortSignal,
  checks: ContentCheckResolver,
): Promise<string[]> {
  const hasher = new HashCounter();
  const inflated = new ByteCounter();
  let entries: number | null;
  try {
    const content = await checks({ type: b.manifest.target.type, format: b.format });
    try {
      await pipeline(await store.get(b.key), hasher, decompressorFor(codecOf(b.ext)), inflated, content.sink, { signal });
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
  options: { download: boolean; signal: AbortSignal; checks?: ContentCheckResolver },
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
    if (options.download && problems.length === 0)
      problems.push(...(await deepCheck(store, b, options.signal, options.checks ?? tarOnlyChecks)));
    results.push({ target, name: b.name, key: b.key, ok: problems.length === 0, problems });
  }
  return { results, incomplete: catalog.incomplete.map((b) => ({ name: b.name, reason: b.reason })) };
}
