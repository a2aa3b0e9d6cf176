// The whole fast path as a target uses it: packPaths → ArchiveWriter (parallel gzip, sha256, verify after write).
// What it writes is a standard .tar.gz: GNU tar extracts an identical tree, gzip -t and sha256sum -c accept it,
// files at every size boundary (tar blocks, the packer's small-file limit, gzip blocks) come back intact, and
// verify fails a flipped byte, a truncation, and a corruption whose sidecar and manifest were rewritten to match.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MANIFEST_SUFFIX, SIDECAR_SUFFIX } from '../../src/archive/names.js';
import type { ArchiveInfo } from '../../src/archive/sink.js';
import { verifyArchive } from '../../src/archive/verify.js';
import { makeExcluder } from '../../src/targets/filesystem/exclude.js';
import { packPaths } from '../../src/targets/filesystem/pack.js';
import { STAGE_SIZE } from '../../src/targets/filesystem/tar-stage.js';
import { BufferRecycler } from '../../src/archive/recycler.js';
import { pgDumpallCheck } from '../../src/targets/postgres/dump.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { tmpDir } from '../helpers/tmp.js';
import { testWriter } from '../helpers/writer.js';

const MIB = 1024 * 1024;
const SIZES = [0, 1, 511, 512, 513, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, MIB - 1, MIB, MIB + 1, 3 * MIB + 7];

const haveTools = requireBinaries('fast path', {
  tar: findBinary('tar'),
  gzip: findBinary('gzip'),
  sha256sum: findBinary('sha256sum'),
});

/** Text that compresses, then random bytes that do not: both kinds cross every boundary. */
function content(size: number, seed: number): Buffer {
  const text = Buffer.from(`${seed} some log line that repeats\n`.repeat(Math.ceil(size / 60) + 1)).subarray(0, size >> 1);
  return Buffer.concat([text, randomBytes(size - text.length)]);
}

function awkwardTree(root: string): void {
  const src = join(root, 'src');
  mkdirSync(join(src, 'sizes'), { recursive: true });
  SIZES.forEach((size, i) => writeFileSync(join(src, 'sizes', `f-${String(i).padStart(2, '0')}-${size}.bin`), content(size, i)));
  // enough 1 MiB chunks that every buffer of the packer is reused many times over
  mkdirSync(join(src, 'bulk'));
  for (let i = 0; i < 24; i += 1) writeFileSync(join(src, 'bulk', `b-${i}.bin`), content(700 * 1024 + i * 4099, 100 + i));
  mkdirSync(join(src, 'many'));
  for (let i = 0; i < 700; i += 1) writeFileSync(join(src, 'many', `tiny-${i}.txt`), `file ${i}\n`.repeat(i % 7));
  const deep = join(src, 'd'.repeat(70), 'e'.repeat(70));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, `${'long-name-'.repeat(12)}.txt`), 'deep\n');
  writeFileSync(join(src, 'ünïcødé 日本.txt'), 'non-ascii\n');
  writeFileSync(join(src, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(src, 'run.sh'), 0o755);
  linkSync(join(src, 'run.sh'), join(src, 'hard-link.sh'));
  symlinkSync('sizes/f-01-1.bin', join(src, 'link'));
  symlinkSync('../nowhere', join(src, 'dangling'));
  mkdirSync(join(src, 'empty'));
  utimesSync(join(src, 'run.sh'), 1_600_000_000, 1_600_000_000);
}

/** Every path under `dir` with what GNU tar restores: type, mode, mtime (s), content hash or link target. */
function describeTree(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = join(rel, name);
    const stat = lstatSync(join(dir, path));
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) out[path] = `link ${readlinkSync(join(dir, path))}`;
    else if (stat.isDirectory()) {
      out[path] = `dir ${mode}`;
      Object.assign(out, describeTree(dir, path));
    } else {
      const hash = createHash('sha256')
        .update(readFileSync(join(dir, path)))
        .digest('hex');
      out[path] = `file ${mode} ${Math.floor(stat.mtimeMs / 1000)} ${stat.size} ${hash}`;
    }
  }
  return out;
}

/** As the filesystem target does: the packer's 1 MiB buffers are given back once compressed, and reused. */
async function backup(root: string): Promise<{ info: ArchiveInfo; out: string; warnings: string[] }> {
  const out = join(root, 'out');
  mkdirSync(out);
  const warnings: string[] = [];
  const stats = { entries: 0 };
  const buffers = new BufferRecycler(STAGE_SIZE, 4);
  const source = Readable.from(
    packPaths(
      [join(root, 'src')],
      { exclude: makeExcluder([]), warn: (code, message) => warnings.push(`${code}: ${message}`), buffers },
      stats,
    ),
    { objectMode: false, highWaterMark: MIB },
  );
  const info = await testWriter(out).write({
    format: 'tar',
    source,
    recycle: (chunk) => buffers.give(chunk),
    describe: {},
    finish: () => ({ entries: stats.entries }),
  });
  return { info, out, warnings };
}

describe.skipIf(!haveTools)('fast path: packer → parallel gzip → file', () => {
  it('GNU tar extracts an identical tree; gzip -t, sha256sum -c and verify accept the archive', async () => {
    const root = tmpDir();
    awkwardTree(root);
    const { info, out, warnings } = await backup(root);
    expect(warnings).toEqual([]);
    execFileSync('gzip', ['-t', info.path]);
    execFileSync('sha256sum', ['-c', `${info.name}${SIDECAR_SUFFIX}`], { cwd: out });
    const listed = execFileSync('tar', ['-tzf', info.path], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(info.entries).toBe(listed.length);
    const restored = join(root, 'restored');
    mkdirSync(restored);
    execFileSync('tar', ['-xzf', info.path, '-C', restored]);
    expect(describeTree(join(restored, root.replace(/^\/+/, ''), 'src'))).toEqual(describeTree(join(root, 'src')));
    expect((await verifyArchive(info.path)).problems).toEqual([]);
  });

  it('verify fails a flipped byte, a truncation, and a corruption with a rewritten sidecar and manifest', async () => {
    const root = tmpDir();
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'big.log'), content(3 * MIB, 1));
    const { info } = await backup(root);
    const original = readFileSync(info.path);

    const flipped = Buffer.from(original);
    flipped[Math.floor(original.length / 2)]! ^= 0x10;
    writeFileSync(info.path, flipped);
    expect((await verifyArchive(info.path)).ok).toBe(false);

    writeFileSync(info.path, original);
    truncateSync(info.path, original.length - 100);
    expect((await verifyArchive(info.path)).ok).toBe(false);

    // the corruption an attacker or a broken disk controller could make consistent: sidecar and manifest agree
    writeFileSync(info.path, flipped);
    const sha256 = createHash('sha256').update(flipped).digest('hex');
    writeFileSync(`${info.path}${SIDECAR_SUFFIX}`, `${sha256}  ${info.name}\n`);
    const manifest = JSON.parse(readFileSync(`${info.path}${MANIFEST_SUFFIX}`, 'utf8')) as Record<string, unknown>;
    writeFileSync(`${info.path}${MANIFEST_SUFFIX}`, JSON.stringify({ ...manifest, sha256, size_bytes: flipped.length }));
    const result = await verifyArchive(info.path);
    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toMatch(/^content: /m);

    writeFileSync(info.path, original);
    writeFileSync(`${info.path}${SIDECAR_SUFFIX}`, `${info.sha256}  ${info.name}\n`);
    writeFileSync(`${info.path}${MANIFEST_SUFFIX}`, JSON.stringify(manifest));
    expect((await verifyArchive(info.path)).problems).toEqual([]);
  });

  it.each([0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB + 5])('a %i-byte dump written in odd pieces comes back intact', async (size) => {
    const closing = '\n--\n-- PostgreSQL database cluster dump complete\n--\n\n';
    const dump = Buffer.concat([content(size, 3), Buffer.from(closing)]);
    const pieces = function* (): Generator<Buffer> {
      for (let at = 0, i = 0; at < dump.length; i += 1) {
        const n = [1, 7, 65_536, 333_333, MIB + 3][i % 5]!;
        yield dump.subarray(at, at + n);
        at += n;
      }
    };
    const out = tmpDir();
    const info = await testWriter(out).write({
      format: 'sql',
      check: pgDumpallCheck,
      source: Readable.from(pieces()),
      describe: {},
    });
    execFileSync('gzip', ['-t', info.path]);
    expect(execFileSync('gzip', ['-dc', info.path], { maxBuffer: 16 * MIB }).equals(dump)).toBe(true);
    execFileSync('sha256sum', ['-c', `${info.name}${SIDECAR_SUFFIX}`], { cwd: out });
    expect(info.uncompressed_bytes).toBe(dump.length);
    expect((await verifyArchive(info.path, undefined, undefined, async () => pgDumpallCheck())).ok).toBe(true);
  });

  it('an empty tar (no entries) makes a valid archive', async () => {
    const out = tmpDir();
    const info = await testWriter(out).write({
      format: 'tar',
      source: Readable.from([Buffer.alloc(1024)]),
      describe: {},
      finish: () => ({ entries: 0 }),
    });
    execFileSync('gzip', ['-t', info.path]);
    expect(execFileSync('tar', ['-tzf', info.path], { encoding: 'utf8' })).toBe('');
    expect(info.entries).toBe(0);
  });
});
