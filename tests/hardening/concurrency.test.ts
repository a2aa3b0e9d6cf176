// Ten runs started at once on one config: exactly one backs up, the other nine exit 3 and write nothing.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { randomFile } from '../helpers/files.js';

describe('ten runs at once', () => {
  it('one backs up, nine exit 3', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    randomFile(join(dir, 'src', 'blob'), 128);
    writeFileSync(
      join(dir, 'c.yaml'),
      `backup_dir: ${dir}/backups\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src] }\n`,
    );
    const runs = await Promise.all(Array.from({ length: 10 }, () => startCli(['run', '-c', join(dir, 'c.yaml')])));
    const codes = runs.map((r) => r.exitCode).sort();
    expect(codes).toEqual([0, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    for (const run of runs.filter((r) => r.exitCode === 3)) expect(String(run.stderr)).toContain('another run holds the lock');
    expect(readdirSync(join(dir, 'backups', 'files')).filter((n) => n.endsWith('.tar.gz'))).toHaveLength(1);
  }, 120_000);
});
