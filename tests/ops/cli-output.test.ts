// What an operator sees of the CLI's own output: a reader that goes away early, config check output that can be
// fed back in.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
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
