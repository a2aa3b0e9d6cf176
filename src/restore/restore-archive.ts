// `restore ARCHIVE --to DIR` end to end: check the destination, check the manifest against the limits, verify the
// archive (checksum, full decompression, structure, manifest), then extract into a staging folder inside DIR and
// move the result into place. A refusal at any step leaves DIR as it was: nothing is ever written outside DIR,
// and nothing reaches DIR unless the whole archive extracted cleanly and hashed to the verified checksum.
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseManifest, type Manifest } from '../archive/manifest.js';
import type { ContentCheckResolver } from '../archive/content-check.js';
import type { AgeIdentity } from '../archive/decrypt.js';
import { archiveKind, MANIFEST_SUFFIX } from '../archive/names.js';
import { verifyArchive } from '../archive/verify.js';
import { displayName } from '../util/byte-names.js';
import { formatBytes } from '../util/duration.js';
import { errorMessage, UsageError } from '../util/errors.js';
import { isSelected, normalizeSelection } from './entry-path.js';
import { extractArchive, type ExtractOptions, type ExtractResult } from './extract.js';
import { freeSpace, limitProblem, RestoreLimitError, type RestoreLimits } from './limits.js';
import { applyDirAttrs, mergeStaging } from './merge.js';
import { describeProgress, type ProgressLine } from './progress.js';
import { removeStaging } from './write-entry.js';

/** The staging folder's name prefix inside DIR; a leftover one marks an interrupted restore. */
export const STAGING_PREFIX = '.snapshotter-restore-';

/** A restore that stopped: a bad archive, a destination that is not empty, a selection that matched nothing. */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

export interface RestoreArchiveOptions {
  archive: string;
  to: string;
  force: boolean;
  paths: readonly string[];
  dryRun: boolean;
  /** Default: the free space where DIR lies. */
  maxSize?: number | undefined;
  maxRatio: number;
  signal?: AbortSignal | undefined;
  progress: ProgressLine;
  onAction?: ExtractOptions['onAction'];
  /** The age identity for an encrypted archive (`.age`). */
  identity?: AgeIdentity | undefined;
}

export interface RestoreArchiveResult extends Omit<ExtractResult, 'dirs' | 'metaFiles'> {
  archive: string;
  to: string;
  dryRun: boolean;
  manifest: Manifest;
  /** Folders (relative to DIR) that hold Prometheus TSDB blocks. */
  tsdbDirs: string[];
}

/** DIR as an absolute real path, whether it exists, and a refusal when it holds something (unless --force). */
async function checkDestination(to: string, force: boolean): Promise<{ path: string; exists: boolean }> {
  const absolute = resolve(to);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!info) return { path: absolute, exists: false };
  if (!info.isDirectory()) throw new RestoreError(`--to ${to}: not a folder`);
  const path = await realpath(absolute);
  const names = await readdir(path);
  if (names.length > 0 && !force) {
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
    throw new RestoreError(
      `--to ${to} is not empty (it holds ${shown}); restore into an empty or new folder, or pass --force to merge into it`,
    );
  }
  return { path, exists: true };
}

/** The manifest beside an archive, or undefined when it is missing or unreadable. */
export async function readManifestOf(archive: string): Promise<Manifest | undefined> {
  const text = await readFile(archive + MANIFEST_SUFFIX, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseManifest(text);
}

/** Verifies with the limits watched as bytes inflate, so a bomb stops verification early too; the sha256. */
export async function verifyWithinLimits(
  archive: string,
  limits: RestoreLimits,
  options: {
    signal?: AbortSignal | undefined;
    progress: ProgressLine;
    checks?: ContentCheckResolver | undefined;
    identity?: AgeIdentity | undefined;
  },
): Promise<string> {
  if (archiveKind(archive)?.encrypted && !options.identity) {
    throw new RestoreError(
      `${archive} is encrypted with age: restoring it needs the identity (private key) it was encrypted to; ` +
        'pass --identity FILE or set SNAPSHOTTER_AGE_IDENTITY_FILE. Nothing was restored.',
    );
  }
  const guard = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, guard.signal]) : guard.signal;
  const total = (await stat(archive)).size;
  const result = await verifyArchive(
    archive,
    signal,
    (compressed, inflated) => {
      options.progress.update(describeProgress('verifying', compressed, total));
      const problem = limitProblem(limits, inflated, compressed);
      if (problem && !guard.signal.aborted) guard.abort(new RestoreLimitError(`archive refused: ${problem}`));
    },
    options.checks,
    options.identity,
  );
  options.progress.done();
  options.signal?.throwIfAborted();
  if (guard.signal.aborted) throw guard.signal.reason as Error;
  if (!result.ok || !result.check) {
    throw new RestoreError(`${archive} failed verification; nothing was restored:\n  - ${result.problems.join('\n  - ')}`);
  }
  return result.check.sha256;
}

/** Removes the folders this restore created for DIR (leaf first), as long as they are empty. */
async function removeCreated(leaf: string, first: string | undefined): Promise<void> {
  if (first === undefined) return;
  for (let path = leaf; path.startsWith(first); path = dirname(path)) {
    const removed = await rmdir(path).then(
      () => true,
      () => false,
    );
    if (!removed || path === first) return;
  }
}

/** Extracts into a fresh staging folder inside DIR, checks the result, then moves it into DIR. */
async function extractIntoPlace(options: ExtractOptions, sha256: string, check: () => void): Promise<ExtractResult> {
  const to = dirname(options.root);
  const staging = await mkdtemp(options.root);
  try {
    const extracted = await extractArchive({ ...options, root: staging });
    if (extracted.sha256 !== sha256) throw new RestoreError('the archive changed after it was verified; nothing was restored');
    check();
    await mergeStaging(staging, to);
    await applyDirAttrs(to, extracted.dirs, options.sameOwner);
    return extracted;
  } finally {
    await removeStaging(staging);
  }
}

/** Each --path must select something, or the user mistyped it. */
function checkSelection(selection: readonly string[], matched: ReadonlySet<string>): void {
  const missing = selection.filter((p) => !matched.has(p));
  if (missing.length > 0) {
    throw new RestoreError(
      `--path ${missing.map((p) => `/${displayName(p)}`).join(', ')}: no entry of the archive lies there; nothing was restored`,
    );
  }
}

/** Restores (or with dryRun lists) a tar.gz archive into a folder. */
export async function restoreArchive(options: RestoreArchiveOptions): Promise<RestoreArchiveResult> {
  const archive = resolve(options.archive);
  const kind = archiveKind(archive);
  if (kind?.format !== 'tar') {
    throw new UsageError(
      `${options.archive}: --to DIR restores tar archives (*.tar.gz, *.tar.zst, either with .age); a SQL dump is restored with --target NAME`,
    );
  }
  let selection: string[];
  try {
    selection = options.paths.map(normalizeSelection);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  await lstat(archive).catch((error: unknown) => {
    throw new RestoreError(`${options.archive}: cannot read the archive`, { cause: error });
  });
  const destination = await checkDestination(options.to, options.force);
  const limits: RestoreLimits = { maxSize: options.maxSize ?? (await freeSpace(destination.path)), maxRatio: options.maxRatio };
  const manifest = await readManifestOf(archive);
  if (manifest) {
    const problem = limitProblem(limits, manifest.uncompressed_bytes, manifest.size_bytes);
    const size = formatBytes(manifest.uncompressed_bytes);
    if (problem)
      throw new RestoreLimitError(`archive refused before reading it: its manifest says it holds ${size}, and ${problem}`);
  }
  const sha256 = await verifyWithinLimits(archive, limits, options);
  const verifiedManifest = manifest ?? (await readManifestOf(archive));
  if (!verifiedManifest) throw new RestoreError(`${archive}: the manifest changed during verification`);

  const matched = new Set<string>();
  const extractOptions: ExtractOptions = {
    archive,
    root: '',
    selection,
    limits,
    dryRun: options.dryRun,
    sameOwner: process.getuid?.() === 0,
    signal: options.signal,
    identity: kind.encrypted ? options.identity : undefined,
    onProgress: (p) =>
      options.progress.update(
        describeProgress(options.dryRun ? 'reading' : 'restoring', p.compressed, verifiedManifest.size_bytes, p.entries),
      ),
    onAction: (action, size) => {
      for (const p of selection) if (!matched.has(p) && isSelected(action.rel, [p])) matched.add(p);
      options.onAction?.(action, size);
    },
  };
  let extracted: ExtractResult;
  try {
    if (options.dryRun) {
      extracted = await extractArchive(extractOptions);
      checkSelection(selection, matched);
    } else {
      const first = destination.exists ? undefined : await mkdir(destination.path, { recursive: true, mode: 0o700 });
      try {
        const root = join(destination.path, STAGING_PREFIX);
        extracted = await extractIntoPlace({ ...extractOptions, root }, sha256, () => checkSelection(selection, matched));
      } catch (error) {
        await removeCreated(destination.path, first);
        throw error;
      }
    }
  } finally {
    options.progress.done();
  }
  const { dirs: _dirs, metaFiles, ...rest } = extracted;
  const tsdbDirs = [...new Set(metaFiles.map((rel) => displayName(dirname(dirname(rel)))))].sort();
  return { ...rest, archive, to: destination.path, dryRun: options.dryRun, manifest: verifiedManifest, tsdbDirs };
}
