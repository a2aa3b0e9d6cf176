// Ten runs started at once on one config: exactly one backs up, the other nine exit 3 and write nothing.
import { closeSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

describe('ten runs at once', () => {
  it('one backs up, nine exit 3', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    const fd = openSync(join(dir, 'src', 'blob'), 'w');
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 128; i++) {
      for (let j = 0; j < chunk.length; j += 4) chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, j);
      writeSync(fd, chunk);
    }
    closeSync(fd);
    writeFileSync(join(dir, 'c.yaml'), `backup_dir: ${dir}/backups\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src] }\n`);
    const runs = await Promise.all(Array.from({ length: 10 }, () => startCli(['run', '-c', join(dir, 'c.yaml')])));
    const codes = runs.map((r) => r.exitCode).sort();
    expect(codes).toEqual([0, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    for (const run of runs.filter((r) => r.exitCode === 3)) expect(String(run.stderr)).toContain('another run holds the lock');
    expect(readdirSync(join(dir, 'backups', 'files')).filter((n) => n.endsWith('.tar.gz'))).toHaveLength(1);
  }, 120_000);
});
