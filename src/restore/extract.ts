// One streaming pass over a tar.gz: read → sha256 → gunzip → limit guard → tar parser → one entry at a time,
// each decided by the plan and (unless a dry run) written into the staging folder. Nothing is buffered whole.
import { createReadStream } from 'node:fs';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgeDecrypt, type AgeIdentity } from '../archive/decrypt.js';
import { codecOf, restoreDecompressorFor } from '../archive/codec.js';
import { HashCounter } from '../archive/measure.js';
import { displayName } from '../util/byte-names.js';
import { limitProblem, RestoreLimitError, type RestoreLimits } from './limits.js';
import { RestorePlan, type Action } from './plan.js';
import type { FilePiece } from './sparse-body.js';
import { readTar, type TarEntry } from './tar-reader.js';
import { DeepPaths } from './deep-paths.js';
import {
  writeDir,
  writeFile,
  writeHardLink,
  writeSymlink,
  type DirAttrs,
  type EntryAttrs,
  type WriteOptions,
} from './write-entry.js';

export interface ExtractOptions {
  archive: string;
  /** The staging folder; unused in a dry run. */
  root: string;
  selection: readonly string[];
  limits: RestoreLimits;
  dryRun: boolean;
  sameOwner: boolean;
  signal?: AbortSignal | undefined;
  /** Decrypts an age-encrypted archive on the way (it was verified with the same identity first). */
  identity?: AgeIdentity | undefined;
  /** Called as bytes flow and entries are done (progress display). */
  onProgress?: (progress: ExtractProgress) => void;
  /** Called for every entry that is (or in a dry run would be) restored. */
  onAction?: (action: Exclude<Action, { kind: 'skip' }>, size: number) => void;
}

export interface ExtractProgress {
  compressed: number;
  inflated: number;
  entries: number;
}

export interface Skipped {
  entry: string;
  reason: string;
}

export interface ExtractResult {
  sha256: string;
  compressed: number;
  inflated: number;
  /** Entries restored (or that a dry run would restore). */
  entries: number;
  /** Bytes of file content restored. */
  bytes: number;
  skipped: Skipped[];
  dirs: DirAttrs[];
  /** Paths of restored entries named `meta.json` (Prometheus TSDB blocks). */
  metaFiles: string[];
}

/** Counts inflated bytes and stops the stream when a limit is broken, naming the entry being read. */
class LimitGuard extends Transform {
  inflated = 0;

  constructor(
    private readonly limits: RestoreLimits,
    private readonly compressed: () => number,
    private readonly current: () => string | undefined,
    private readonly onBytes: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.inflated += chunk.length;
    const problem = limitProblem(this.limits, this.inflated, this.compressed());
    if (problem) {
      const entry = this.current();
      callback(new RestoreLimitError(`archive refused${entry ? ` at entry ${JSON.stringify(entry)}` : ''}: ${problem}`));
      return;
    }
    this.onBytes();
    callback(null, chunk);
  }
}

function attrsOf(entry: TarEntry): EntryAttrs {
  return { mode: entry.mode, mtime: new Date(entry.mtime * 1000), uid: entry.uid, gid: entry.gid };
}

/** Runs the plan's action for one entry; what it does not read of the body is skipped by the reader. */
async function handleEntry(
  entry: TarEntry,
  body: AsyncIterable<FilePiece>,
  plan: RestorePlan,
  options: ExtractOptions,
  result: ExtractResult,
  write: WriteOptions,
): Promise<void> {
  const action = plan.decide({ name: entry.path, type: entry.type, linkpath: entry.linkpath });
  if (action.kind === 'skip') {
    if (action.reason) result.skipped.push({ entry: displayName(entry.path), reason: action.reason });
    return;
  }
  const attrs = attrsOf(entry);
  result.entries += 1;
  if (action.rel === 'meta.json' || action.rel.endsWith('/meta.json')) result.metaFiles.push(action.rel);
  options.onAction?.(action, action.kind === 'file' ? entry.size : 0);
  if (action.kind === 'dir') result.dirs.push({ rel: action.rel, ...attrs });
  if (options.dryRun) {
    if (action.kind === 'file') result.bytes += entry.size;
    return;
  }
  await write.paths.trim();
  if (action.kind === 'file') result.bytes += await writeFile(action, attrs, body, entry.size, write);
  else if (action.kind === 'dir') await writeDir(action, write);
  else if (action.kind === 'symlink') await writeSymlink(action, attrs, write);
  else await writeHardLink(action, write);
}

/** The pipeline's last stage: reads entries and handles them strictly one after another. */
function entrySink(
  plan: RestorePlan,
  options: ExtractOptions,
  result: ExtractResult,
  state: { current?: string },
  progress: () => void,
): (source: AsyncIterable<Buffer>) => Promise<void> {
  return async (source) => {
    const paths = new DeepPaths(options.root);
    const write: WriteOptions = { root: options.root, sameOwner: options.sameOwner, realDirs: new Set(), paths };
    try {
      await readTar(source, async (entry, body) => {
        state.current = displayName(entry.path);
        await handleEntry(entry, body, plan, options, result, write);
        progress();
      });
    } finally {
      await paths.close();
    }
  };
}

/** Extracts (or lists, in a dry run) an archive; throws RestoreRefusedError, RestoreLimitError or an I/O error. */
export async function extractArchive(options: ExtractOptions): Promise<ExtractResult> {
  const result: ExtractResult = {
    sha256: '',
    compressed: 0,
    inflated: 0,
    entries: 0,
    bytes: 0,
    skipped: [],
    dirs: [],
    metaFiles: [],
  };
  const plan = new RestorePlan(options.selection);
  const state: { current?: string } = {};
  const hasher = new HashCounter();
  const progress = (): void =>
    options.onProgress?.({ compressed: hasher.bytes, inflated: guard.inflated, entries: result.entries });
  const guard: LimitGuard = new LimitGuard(
    options.limits,
    () => hasher.bytes,
    () => state.current,
    progress,
  );
  await pipeline(
    createReadStream(options.archive),
    hasher,
    options.identity ? new AgeDecrypt(options.identity) : new PassThrough(),
    restoreDecompressorFor(codecOf(options.archive)),
    guard,
    entrySink(plan, options, result, state, progress),
    options.signal ? { signal: options.signal } : {},
  );
  return { ...result, sha256: hasher.sha256, compressed: hasher.bytes, inflated: guard.inflated };
}
