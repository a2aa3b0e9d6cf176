// Test helpers for restore: wrap any tar.gz as a complete backup (sidecar + manifest that verify accepts), GNU tar
// runs, an awkward source tree, and snapshots of folders to prove what changed and what did not.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkArchiveStream } from '../../src/archive/verify.js';
import { sidecarText } from '../../src/archive/manifest.js';

/** Runs GNU tar with an argument array; returns stdout. */
export function gnuTar(args: string[], cwd?: string): string {
  return execFileSync('tar', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface WrapOptions {
  target?: string;
  type?: string;
  stamp?: string;
  /** Overrides for manifest fields (to make one lie). */
  manifest?: Record<string, unknown>;
  source?: Record<string, unknown>;
}

/** Copies a tar.gz into `dir` under a backup name and writes a sidecar and manifest that agree with it. */
export async function wrapArchive(tarGz: string, dir: string, options: WrapOptions = {}): Promise<string> {
  const target = options.target ?? 'evil';
  const name = `${target}-${options.stamp ?? '20250101T000000Z'}.tar.gz`;
  const path = join(dir, name);
  copyFileSync(tarGz, path);
  const check = await checkArchiveStream(path, 'tar.gz');
  const manifest = {
    format_version: 1,
    tool: { name: 'snapshotter', version: 'test' },
    target: { name: target, type: options.type ?? 'filesystem' },
    hostname: 'test',
    started_at: '2025-01-01T00:00:00.000Z',
    finished_at: '2025-01-01T00:00:01.000Z',
    archive: name,
    size_bytes: check.size_bytes,
    sha256: check.sha256,
    compression: { format: 'gzip', level: 6 },
    uncompressed_bytes: check.uncompressed_bytes,
    entries: check.entries,
    source: options.source ?? { paths: ['/'] },
    warnings: [],
    ...options.manifest,
  };
  writeFileSync(`${path}.sha256`, sidecarText(check.sha256, name));
  writeFileSync(`${path}.json`, JSON.stringify(manifest, null, 2));
  return path;
}

export interface Node {
  type: 'dir' | 'file' | 'symlink' | 'other';
  mode: number;
  mtime: number;
  sha256?: string;
  target?: string;
}

/** Every entry under `root` (relative path → type, mode, mtime in whole seconds, content hash or link target). */
export function snapshotTree(root: string, skip: (rel: string) => boolean = () => false): Map<string, Node> {
  const out = new Map<string, Node>();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const childRel = rel ? `${rel}/${name}` : name;
      if (skip(childRel)) continue;
      const path = join(dir, name);
      const st = lstatSync(path);
      const node: Node = {
        type: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other',
        mode: st.mode & 0o7777,
        mtime: Math.floor(st.mtimeMs / 1000),
      };
      if (node.type === 'file') node.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
      if (node.type === 'symlink') {
        node.target = readlinkSync(path);
        node.mode = 0; // link modes mean nothing on Linux
      }
      out.set(childRel, node);
      if (node.type === 'dir') walk(path, childRel);
    }
  };
  walk(root, '');
  return out;
}

/** The sha256, size and mtime of a file outside the restore (e.g. /etc/passwd), to prove it did not change. */
export function fingerprint(path: string): string {
  const st = lstatSync(path);
  return `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${st.size} ${st.mtimeMs} ${st.ino}`;
}

export const archiveName = (path: string): string => basename(path);

const ZERO_BLOCK = 1024 * 1024;

/**
 * Builds a gzip bomb quickly: GNU tar archives a sparse file of `size` zero bytes, and each 1 MiB block of its
 * output becomes one gzip member (a cached member for all-zero blocks). Concatenated members are one valid gzip
 * stream (gunzip and GNU tar read it); the ratio is deflate's best, about 1000:1.
 */
export async function buildBomb(work: string, size: number, out: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { closeSync, openSync, truncateSync, writeSync } = await import('node:fs');
  const { gzipSync } = await import('node:zlib');
  const file = join(work, 'big');
  writeFileSync(file, '');
  truncateSync(file, size);
  const zeroMember = gzipSync(Buffer.alloc(ZERO_BLOCK), { level: 9 });
  const fd = openSync(out, 'w');
  const child = spawn('tar', ['-cf', '-', '-C', work, 'big'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pending = Buffer.alloc(0);
  const emit = (block: Buffer): void => {
    const allZero = block.length === ZERO_BLOCK && block.equals(Buffer.alloc(ZERO_BLOCK));
    writeSync(fd, allZero ? zeroMember : gzipSync(block, { level: 9 }));
  };
  for await (const chunk of child.stdout) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= ZERO_BLOCK) {
      emit(pending.subarray(0, ZERO_BLOCK));
      pending = pending.subarray(ZERO_BLOCK);
    }
  }
  if (pending.length > 0) emit(pending);
  closeSync(fd);
}
