// zstd end to end, as an operator runs it: a run with `compression: zstd` writes `.tar.zst` with its manifest;
// GNU tar --zstd and `zstd -t` read it as it is; verify, list and restore treat it like a gzip archive; one huge
// file of zeros crosses many frames; restore refuses it past its limits; a flipped byte and a truncation are caught.
// The CLI runs on a Node.js with zstd (tests/helpers/zstd.ts) whichever Node.js runs vitest, so the Node.js 20 pass
// runs these too.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli as runCliOn, type CliOptions } from '../helpers/cli.js';
import { zstdNode } from '../helpers/zstd.js';

const node = zstdNode('zstd end to end');
const run = node !== undefined && requireBinaries('zstd end to end', { tar: findBinary('tar'), zstd: findBinary('zstd') });
const runCli = (args: string[], options: CliOptions = {}): ReturnType<typeof runCliOn> => runCliOn(args, { ...options, node });

/** Past the 64 MiB after which restore checks the decompression ratio. */
const HUGE = 72 * 1024 * 1024;

describe.runIf(run)('compression: zstd, end to end', () => {
  let root: string;
  let config: string;
  let archive: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'snapshotter-zstd-'));
    const src = join(root, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'empty'), '');
    writeFileSync(join(src, 'sub', 'odd'), 'x'.repeat(1024 * 1024 + 13));
    // one huge file of written zeros (not sparse: a sparse file is stored sparse and would cross no frame), with
    // a few distinct bytes so the frames are not all alike
    const fd = openSync(join(src, 'huge'), 'w');
    const mib = Buffer.alloc(1024 * 1024);
    for (let at = 0; at < HUGE; at += mib.length) {
      mib.writeUInt32BE(at, 7);
      writeSync(fd, mib, 0, mib.length, at);
    }
    closeSync(fd);
    config = join(root, 'snapshotter.yaml');
    writeFileSync(
      config,
      [
        `backup_dir: ${join(root, 'backups')}`,
        'defaults: { compression: zstd }',
        'targets:',
        `  - { name: files, type: filesystem, paths: [${src}] }`,
        '',
      ].join('\n'),
    );
    const result = await runCli(['run', '-c', config]);
    expect(result.exitCode, result.stderr).toBe(0);
    const names = readdirSync(join(root, 'backups', 'files'));
    const name = names.find((n) => n.endsWith('.tar.zst'));
    expect(name, names.join(', ')).toBeDefined();
    archive = join(root, 'backups', 'files', name!);
  }, 120_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes .tar.zst with a zstd manifest, read as it is by zstd -t and tar --zstd', () => {
    const manifest = JSON.parse(readFileSync(`${archive}.json`, 'utf8')) as Record<string, unknown>;
    expect(manifest.compression).toEqual({ format: 'zstd', level: 3 });
    execFileSync('zstd', ['-q', '-t', archive]);
    const listing = execFileSync('tar', ['--zstd', '-tvf', archive], { encoding: 'utf8' });
    expect(listing).toMatch(new RegExp(`\\s${HUGE}\\s.*/huge\\n`));
    expect(listing).toMatch(/\/sub\/odd\n/);
    const odd = execFileSync('tar', ['--zstd', '-xOf', archive, '--wildcards', '*/sub/odd'], { maxBuffer: 4 * 1024 * 1024 });
    expect(odd.length).toBe(1024 * 1024 + 13);
  });

  it('verify, list and restore treat it like a gzip archive', async () => {
    const verify = await runCli(['verify', '-c', config, '--all']);
    expect(verify.exitCode, verify.stderr + verify.stdout).toBe(0);
    const list = await runCli(['list', '-c', config]);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toContain('.tar.zst');
    const out = join(root, 'restored');
    // a file of zeros is past the default --max-ratio 200, which would (rightly) refuse it as a bomb
    const restore = await runCli(['restore', archive, '--to', out, '--max-ratio', '0']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    const huge = join(out, root, 'src', 'huge');
    expect(statSync(huge).size).toBe(HUGE);
    expect(readFileSync(join(out, root, 'src', 'sub', 'odd'), 'utf8')).toBe('x'.repeat(1024 * 1024 + 13));
  });

  it('restore refuses a zstd archive past its limits, naming the option to pass and no other codec', async () => {
    const out = join(root, 'refused');
    const ratio = await runCli(['restore', archive, '--to', out]);
    expect(ratio.exitCode).toBe(1);
    expect(ratio.stderr).toMatch(/decompression ratio reached \d+:1 .*above --max-ratio 200 \(a decompression bomb\?\)/);
    expect(ratio.stderr).toContain('pass --max-ratio 0 to turn the ratio check off');
    const size = await runCli(['restore', archive, '--to', out, '--max-ratio', '0', '--max-size', '1m']);
    expect(size.exitCode).toBe(1);
    expect(size.stderr).toContain('(--max-size 1048576): if there is room for it, pass a larger --max-size');
    for (const stderr of [ratio.stderr, size.stderr]) expect(stderr).not.toMatch(/gzip|inflate/i);
    expect(existsSync(out)).toBe(false);
  });

  it('catches a flipped byte and a truncation', async () => {
    const copy = (suffix: string): string => {
      const path = archive.replace('.tar.zst', `${suffix}.tar.zst`);
      for (const s of ['', '.sha256', '.json']) writeFileSync(path + s, readFileSync(archive + s));
      return path;
    };
    const flipped = copy('-flip');
    const bytes = readFileSync(flipped);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(flipped, bytes);
    const truncated = copy('-trunc');
    truncateSync(truncated, statSync(truncated).size - 100);
    const verify = await runCli(['verify', '--json', flipped, truncated]);
    expect(verify.exitCode, verify.stderr).toBe(1);
    const results = JSON.parse(verify.stdout) as { path: string; ok: boolean; problems: string[] }[];
    expect(results.map((r) => [r.path, r.ok])).toEqual([
      [flipped, false],
      [truncated, false],
    ]);
    expect(results[0]!.problems.join('\n')).toMatch(/content: .*zstd/);
    expect(results[1]!.problems.join('\n')).toMatch(/truncated|unexpected end/);
  });
});
