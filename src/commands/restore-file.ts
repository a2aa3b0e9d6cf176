// `restore ARCHIVE --to DIR` for archives that are not a tar of files (a Redis RDB, a SQLite database): verified
// with its type's content check, then handed to the type named in its manifest, which writes the file into DIR.
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Io } from '../app.js';
import type { AgeIdentity } from '../archive/decrypt.js';
import type { RestoreLimits } from '../restore/limits.js';
import { progressLine } from '../restore/progress.js';
import { readManifestOf, RestoreError, verifyWithinLimits } from '../restore/restore-archive.js';
import { EXIT } from '../report.js';
import { registryChecks, specOf } from '../targets/registry.js';
import { UsageError } from '../util/errors.js';
import { archiveRef } from './restore-target.js';

export interface FileRestoreOptions {
  to: string;
  force: boolean;
  dryRun: boolean;
  json: boolean;
  limits: RestoreLimits;
  /** The age identity for an encrypted archive. */
  identity?: AgeIdentity | undefined;
}

export async function restoreFileInto(archive: string, o: FileRestoreOptions, io: Io, signal: AbortSignal): Promise<number> {
  const { encrypted, ...plain } = archiveRef(resolve(archive));
  const ref = { ...plain, identity: encrypted ? o.identity : undefined };
  const progress = progressLine(io.stderr);
  const checks = registryChecks(io.env);
  await verifyWithinLimits(ref.path, o.limits, { signal, progress, checks, identity: ref.identity });
  const manifest = await readManifestOf(ref.path);
  const spec = manifest ? specOf(manifest.target.type) : undefined;
  if (!manifest || !spec) throw new RestoreError(`${archive}: its manifest names no target type this version knows`);
  const module = await spec.load();
  if (!module.restoreTo) {
    throw new UsageError(`${basename(archive)} (${spec.type}) cannot be written into a folder: restore it with --target NAME`);
  }
  const to = resolve(o.to);
  if (o.dryRun) {
    io.stdout.write(`DRY RUN: verified; would write the ${spec.type} backup ${basename(archive)} into ${to}\n`);
    return EXIT.ok;
  }
  await mkdir(to, { recursive: true, mode: 0o700 });
  const written = await module.restoreTo({ signal, env: io.env, force: o.force }, ref, to);
  if (o.json) io.stdout.write(JSON.stringify({ archive: ref.path, to, type: spec.type, written }, null, 2) + '\n');
  else io.stdout.write(`restored ${basename(archive)} (${spec.type}) into ${to}: ${written.join(', ')}\n`);
  return EXIT.ok;
}
