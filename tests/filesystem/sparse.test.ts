// Sparse files stored sparse (GNU tar's PAX sparse format 1.0): a 256 MiB file with three data regions becomes a
// small archive that GNU tar (the independent reader) and `snapshotter restore` both bring back identical and
// with its holes; a sparse file that shrinks while read is padded and named in a warning, as other files are.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TarWalker } from '../../src/archive/tar-walk.js';
import { packPaths } from '../../src/targets/filesystem/pack.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { sparseFile } from '../helpers/files.js';

const MiB = 1024 * 1024;
const BIG = 256 * MiB; // cheap to make; `cmp` reads it whole, so not larger

const pattern = (length: number, seed: number): Buffer =>
  Buffer.from(Array.from({ length }, (_, i) => ((i * 31 + seed) % 251) | 1));

const readers = requireBinaries('sparse files', { tar: findBinary('tar'), cmp: findBinary('cmp') });

describe.runIf(readers)('sparse files', () => {
  let dir: string;
  let big: string;
  let tail: string;
  let archive: string;
  let run: { exitCode: number; stdout: string; stderr: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snapshotter-sparse-'));
    const source = join(dir, 'source');
    mkdirSync(source);
    big = join(source, 'disk.img');
    // three data regions: one not block-aligned at the start, one in the middle, one that ends the file
    sparseFile(big, BIG, [
      [1000, pattern(5000, 1)],
      [100 * MiB, pattern(3 * MiB, 2)],
      [BIG - 8192, pattern(8192, 3)],
    ]);
    tail = join(source, `${'ends-in-a-hole-'.repeat(8)}.bin`); // a name longer than ustar's 100 bytes
    sparseFile(tail, 64 * MiB + 100, [[MiB, pattern(4096, 4)]]);
    writeFileSync(
      join(dir, 'snapshotter.yaml'),
      `backup_dir: ${join(dir, 'backups')}\ntargets:\n  - name: files\n    type: filesystem\n    paths: ["${source}"]\n`,
    );
    run = await runCli(['run', '-c', join(dir, 'snapshotter.yaml'), '--json']);
    const name = readdirSync(join(dir, 'backups', 'files')).find((n) => n.endsWith('.tar.gz'));
    archive = join(dir, 'backups', 'files', name ?? 'missing');
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores a 256 MiB file with three data regions as a small PAX 1.0 sparse entry that GNU tar restores identical and sparse', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { targets: { warnings: unknown[] }[] };
    expect(report.targets[0]!.warnings).toEqual([]);
    const manifest = JSON.parse(readFileSync(`${archive}.json`, 'utf8')) as { uncompressed_bytes: number };
    expect(manifest.uncompressed_bytes).toBeLessThan(4 * MiB); // the tar holds the data regions, not the holes
    const listing = execFileSync('tar', ['-tvzf', archive], { encoding: 'utf8' });
    expect(listing).toMatch(new RegExp(` ${BIG} .*/source/disk\\.img\\n`));
    expect(listing).not.toContain('GNUSparseFile');

    const out = join(dir, 'gnu');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', archive, '-C', out]);
    for (const file of [big, tail]) {
      const copy = join(out, file);
      execFileSync('cmp', [file, copy]); // throws on the first differing byte
      expect(statSync(copy).size).toBe(statSync(file).size);
      expect(statSync(copy).blocks * 512).toBeLessThan(8 * MiB); // extracted with its holes
    }
  });

  it('restore verifies the sparse entries and brings them back identical and sparse, with no --max-ratio', async () => {
    const out = join(dir, 'restored');
    const restore = await runCli(['restore', archive, '--to', out]);
    expect(restore.exitCode, restore.stderr).toBe(0);
    for (const file of [big, tail]) {
      const copy = join(out, file);
      execFileSync('cmp', [file, copy]);
      expect(statSync(copy).size).toBe(statSync(file).size);
      expect(statSync(copy).blocks * 512).toBeLessThan(8 * MiB);
    }
  });

  it('a sparse file that shrinks while read is padded with zeros and named in a warning; the tar stays sound', async () => {
    const file = join(dir, 'shrinking');
    mkdirSync(file);
    const path = join(file, 'data.bin');
    sparseFile(path, 4 * MiB, [
      [0, pattern(4096, 5)],
      [3 * MiB, pattern(4096, 6)],
    ]);
    const warnings: string[] = [];
    const options = { exclude: () => false, warn: (_code: string, message: string) => warnings.push(message) };
    const walker = new TarWalker();
    const chunks: Buffer[] = [];
    for await (const chunk of packPaths([file], options, { entries: 0 })) {
      walker.write(chunk);
      chunks.push(chunk);
      if (chunk.includes('GNU.sparse.major=1')) truncateSync(path, 2 * MiB); // after the map was made, before the data is read
    }
    expect(walker.end()).toBe(2);
    expect(warnings.join('\n')).toContain(`${path} shrank by 4096 bytes while being read; padded with zeros`);
    const tar = join(dir, 'shrinking.tar');
    writeFileSync(tar, Buffer.concat(chunks));
    const out = join(dir, 'shrinking-out');
    mkdirSync(out);
    execFileSync('tar', ['-xf', tar, '-C', out]);
    const copy = readFileSync(join(out, path));
    expect(copy.length).toBe(4 * MiB);
    expect(copy.subarray(0, 4096).equals(pattern(4096, 5))).toBe(true);
    expect(copy.subarray(4096).equals(Buffer.alloc(4 * MiB - 4096))).toBe(true);
  });
});
