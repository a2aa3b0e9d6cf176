// log.file: JSON lines in files of mode 0600, rotated by log.max_size, never more than log.max_files of them.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

describe('the log file', () => {
  it('is mode 0600 and rotation keeps at most max_files files', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.txt'), 'a\n');
    const targets = Array.from({ length: 6 }, (_, i) => `  - { name: t${i}, type: filesystem, paths: [./src] }\n`).join('');
    writeFileSync(
      join(dir, 'c.yaml'),
      `backup_dir: ./b\nlog: { level: debug, file: ./log/snapshotter.log, max_size: 1k, max_files: 2 }\ntargets:\n${targets}`,
    );
    const result = await runCli(['run', '-c', join(dir, 'c.yaml')]);
    expect(result.exitCode, result.stderr).toBe(0);
    const files = readdirSync(join(dir, 'log'));
    // Six targets at debug write well over 1k: rotation happened, and only max_files files are left.
    expect(files).toHaveLength(2);
    for (const file of files) {
      const path = join(dir, 'log', file);
      expect((statSync(path).mode & 0o777).toString(8), file).toBe('600');
      for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean))
        expect(() => JSON.parse(line), line).not.toThrow();
    }
  });
});
