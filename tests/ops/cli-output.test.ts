// What an operator sees of the CLI's own output: a reader that goes away early, config check output that can be
// fed back in.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli, startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { tmpDir } from '../helpers/tmp.js';

function filesystemConfig(dir: string, extra = ''): string {
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'a.txt'), 'a\n');
  const config = join(dir, 'snapshotter.yaml');
  writeFileSync(config, `backup_dir: ./backups\n${extra}targets:\n  - name: files\n    type: filesystem\n    paths: [./data]\n`);
  return config;
}

describe('a closed stdout pipe', () => {
  let archive: string;
  beforeAll(async () => {
    const dir = tmpDir('snapshotter-pipe-');
    const run = await runCli(['run', '-c', filesystemConfig(dir)]);
    expect(run.exitCode, run.stderr).toBe(0);
    const folder = join(dir, 'backups', 'files');
    archive = join(
      folder,
      readdirSync(folder).find((n) => n.endsWith('.tar.gz'))!,
    );
  });

  it('ends quietly when the reader goes away (`verify … | head -1`)', async () => {
    const child = startCli(['verify', ...Array<string>(300).fill(archive)]);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const result = await child;
    expect(String(result.stderr)).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(result.exitCode).toBe(0);
  });
});

const pgDumpall = findBinary('pg_dumpall', ['/usr/lib/postgresql/15/bin']);

describe.runIf(requireBinaries('FAIL line', { pg_dumpall: pgDumpall }))('a failed target', () => {
  it('is one FAIL line even when the program wrote several lines to stderr', async () => {
    const dir = tmpDir('snapshotter-fail-');
    const port = await freePort();
    const config = join(dir, 'snapshotter.yaml');
    writeFileSync(config, `backup_dir: ./backups\ntargets:\n  - { name: db, type: postgres, host: 127.0.0.1, port: ${port} }\n`);
    const result = await runCli(['run', '-c', config], { env: { PATH: `${join(pgDumpall!, '..')}:${process.env.PATH}` } });
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^FAIL db {2}.*connection to server at "127\.0\.0\.1".* \| .*\d+(\.\d+)?s$/);
  });
});
