// The archive sink every local target writes through: source → gzip or zstd (all cores) → sha256 → temp file → fsync,
// then verify, sidecar and manifest, and the final names. Nothing half-written ever carries a backup's name.
import { createWriteStream } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Warning } from '../report.js';
import { errorMessage } from '../util/errors.js';
import { redactStrings } from '../util/redact.js';
import { CODEC_SUFFIX, compressorFor, type Codec } from './codec.js';
import { commitNoClobber, FILE_MODE, removeQuietly, syncDir } from './atomic.js';
import { MANIFEST_FORMAT_VERSION, sidecarText, type Manifest } from './manifest.js';
import { ByteCounter, HashCounter } from './measure.js';
import { tarOnlyChecks, type CheckOptions, type ContentCheck } from './content-check.js';
import { archiveName, formatExt, formatStamp, MANIFEST_SUFFIX, SIDECAR_SUFFIX, tempName, type ArchiveExt } from './names.js';
import { ageEncryptStream } from './encrypt.js';
import { checkWrittenHeader, writerIdentity } from './encrypt-check.js';
import { checkArchiveStream } from './verify.js';

export interface ArchiveWriterOptions {
  dir: string;
  target: string;
  type: string;
  hostname: string;
  toolName: string;
  toolVersion: string;
  /** gzip unless set; its suffix follows the target's format in the name (`.tar.gz`, `.tar.zst`). */
  compression?: Codec;
  compressionLevel: number;
  verifyAfterWrite: boolean;
  now: () => Date;
  /** Applied to the manifest's free text (source, warnings), never to its structural fields: secrets never reach disk. */
  redact: (text: string) => string;
  /** The warnings the target recorded so far (missing path, unreadable file...): they go into the manifest. */
  warnings?: () => readonly Warning[];
  /** Called once the archive is written and checked, before anything takes a final name; throws to reject it. */
  beforeCommit?: (archive: { name: string; size_bytes: number; warnings: readonly Warning[] }) => Promise<void>;
  signal: AbortSignal;
  onProgress?: (progress: { read: number; written: number }) => void;
  /** Encrypt to these age recipients (X25519 `age1…`) after compression; the name gets `.age`. */
  encryption?: { recipients: string[] } | undefined;
}

export interface ArchiveSpec {
  /** The target's format token (`tar`, `sql`, `db`, `rdb`...); the pipeline adds the compression suffix. */
  format: string;
  /** False for a format that is already compressed: stored as it is, without a compression suffix. */
  compress?: boolean;
  /** The format's content check for verify-after-write (the target's); without it only tar is walked. */
  check?: (options: CheckOptions) => ContentCheck;
  /** The uncompressed bytes to archive. */
  source: Readable;
  /**
   * Given each source chunk once it has been compressed, when it is compressed (never for a stored format): the
   * source may reuse that memory (archive/recycler.ts). Nothing else may hold on to the source's chunks.
   */
  recycle?: (chunk: Buffer) => void;
  /** Recorded in the manifest: paths, container, snapshot name... */
  describe: Record<string, unknown>;
  /** Called after the source ended, before anything is committed; throws to reject the archive. */
  finish?: () => Promise<{ entries?: number | null; warnings?: Warning[] }> | { entries?: number | null; warnings?: Warning[] };
}

export interface ArchiveInfo {
  name: string;
  path: string;
  size_bytes: number;
  sha256: string;
  uncompressed_bytes: number;
  entries: number | null;
  /** The source's own warnings (from `finish`); the target's are already in its result. */
  warnings: Warning[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The first free archive name from `now` on: a second run within the same second takes the next second. */
async function freeName(dir: string, target: string, ext: ArchiveExt, now: Date, encrypted: boolean): Promise<string> {
  for (let offset = 0; ; offset += 1) {
    const name = archiveName(target, formatStamp(new Date(now.getTime() + offset * 1000)), ext, encrypted);
    const taken = await Promise.all([name, name + SIDECAR_SUFFIX, name + MANIFEST_SUFFIX].map((n) => exists(join(dir, n))));
    if (!taken.some(Boolean)) return name;
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeTemp(dir: string, finalName: string, data: string): Promise<string> {
  const path = join(dir, tempName(finalName));
  const handle = await open(path, 'wx', FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return path;
}

export class ArchiveWriter {
  constructor(private readonly options: ArchiveWriterOptions) {}

  /** The target's warnings and the source's own (once each), masked: the manifest's `warnings`. */
  private warnings(own: readonly Warning[] = []): Warning[] {
    const all: Warning[] = [];
    for (const w of [...(this.options.warnings?.() ?? []), ...own]) {
      const clean = { code: w.code, message: this.options.redact(w.message) };
      if (!all.some((x) => x.code === clean.code && x.message === clean.message)) all.push(clean);
    }
    return all;
  }

  /** Removes a backup this writer committed (a target that must fail after all): archive first, manifest last. */
  async discard(name: string): Promise<void> {
    const path = join(this.options.dir, name);
    for (const p of [path, path + SIDECAR_SUFFIX, path + MANIFEST_SUFFIX]) await removeQuietly(p);
    await syncDir(this.options.dir);
  }

  /** Writes one complete backup (archive, sidecar, manifest) or nothing at all. */
  async write(spec: ArchiveSpec): Promise<ArchiveInfo> {
    const o = this.options;
    const started = o.now();
    const codec = spec.compress === false ? null : (o.compression ?? 'gzip');
    const ext = formatExt({ format: spec.format, compression: codec && CODEC_SUFFIX[codec], encrypted: false });
    const name = await freeName(o.dir, o.target, ext, started, o.encryption !== undefined);
    const finalPath = join(o.dir, name);
    const temps: string[] = [];
    const committed: string[] = [];
    try {
      const archiveTemp = join(o.dir, tempName(name));
      temps.push(archiveTemp);
      const read = new ByteCounter();
      const written = new HashCounter();
      const progress = o.onProgress;
      if (progress) read.on('data', () => progress({ read: read.bytes, written: written.bytes }));
      const encrypt = o.encryption && (await ageEncryptStream(o.encryption.recipients));
      const contentCheck = (): Promise<ContentCheck> =>
        spec.check
          ? Promise.resolve(spec.check({ encrypted: o.encryption !== undefined }))
          : tarOnlyChecks({ type: o.type, format: spec.format });
      await pipeline(
        [
          spec.source,
          read,
          ...(codec ? [compressorFor(codec, o.compressionLevel, spec.recycle)] : []),
          ...(encrypt ? [encrypt.stream] : []),
          written,
          createWriteStream(archiveTemp, { flags: 'wx', mode: FILE_MODE }),
        ],
        { signal: o.signal },
      );
      await fsyncFile(archiveTemp);
      const finished = (await spec.finish?.()) ?? {};
      const entries = finished.entries ?? null;

      if (o.verifyAfterWrite) {
        // An encrypted file is read back through the age stage with the file key this run holds in memory.
        const identity = encrypt && (await writerIdentity(encrypt.fileKey));
        if (encrypt) await checkWrittenHeader(archiveTemp);
        const check = await checkArchiveStream(archiveTemp, ext, o.signal, undefined, await contentCheck(), identity);
        if (check.sha256 !== written.sha256 || check.size_bytes !== written.bytes) {
          throw new Error('verify after write: the file on disk differs from what was written');
        }
        if (check.uncompressed_bytes !== read.bytes) {
          throw new Error(`verify after write: ${check.uncompressed_bytes} bytes decompressed, ${read.bytes} were written`);
        }
        if (entries !== null && check.entries !== entries) {
          throw new Error(`verify after write: ${check.entries} tar entries read back, ${entries} were written`);
        }
      }

      await o.beforeCommit?.({ name, size_bytes: written.bytes, warnings: this.warnings(finished.warnings) });
      const warnings = this.warnings(finished.warnings);
      const manifest: Manifest = {
        format_version: MANIFEST_FORMAT_VERSION,
        tool: { name: o.toolName, version: o.toolVersion },
        target: { name: o.target, type: o.type },
        hostname: o.hostname,
        started_at: started.toISOString(),
        finished_at: o.now().toISOString(),
        archive: name,
        size_bytes: written.bytes,
        sha256: written.sha256,
        compression: codec ? { format: codec, level: o.compressionLevel } : { format: 'none', level: 0 },
        ...(o.encryption && { encryption: { format: 'age', recipients: o.encryption.recipients } }),
        uncompressed_bytes: read.bytes,
        entries,
        source: redactStrings(spec.describe, o.redact),
        warnings,
        verified_after_write: o.verifyAfterWrite,
      };
      const sidecarTemp = await writeTemp(o.dir, name + SIDECAR_SUFFIX, sidecarText(written.sha256, name));
      temps.push(sidecarTemp);
      const manifestTemp = await writeTemp(o.dir, name + MANIFEST_SUFFIX, JSON.stringify(manifest, null, 2) + '\n');
      temps.push(manifestTemp);

      // The archive takes its name last: until then no complete backup exists under this name.
      for (const [temp, path] of [
        [sidecarTemp, finalPath + SIDECAR_SUFFIX],
        [manifestTemp, finalPath + MANIFEST_SUFFIX],
        [archiveTemp, finalPath],
      ] as const) {
        await commitNoClobber(temp, path);
        committed.push(path);
      }
      await syncDir(o.dir);
      return {
        name,
        path: finalPath,
        size_bytes: written.bytes,
        sha256: written.sha256,
        uncompressed_bytes: read.bytes,
        entries,
        warnings: finished.warnings ?? [],
      };
    } catch (error) {
      for (const path of [...temps, ...committed]) await removeQuietly(path).catch(() => undefined);
      throw error instanceof Error ? error : new Error(errorMessage(error));
    }
  }
}
