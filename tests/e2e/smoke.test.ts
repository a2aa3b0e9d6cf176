import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

describe('snapshotter run (filesystem)', () => {
  it('writes a complete backup and exits 0', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.txt'), 'hello\n');
    writeFileSync(
      join(dir, 'config.yaml'),
      `backup_dir: ${dir}/backups\ntargets:\n  - name: files\n    type: filesystem\n    paths: [${dir}/src]\n`,
    );
    const result = await runCli(['run', '-c', join(dir, 'config.yaml')]);
    expect(result.exitCode, result.stderr).toBe(0);
    const names = readdirSync(join(dir, 'backups', 'files')).sort();
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(/^files-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(names[1]).toBe(`${names[0]}.json`);
    expect(names[2]).toBe(`${names[0]}.sha256`);
  });
});
