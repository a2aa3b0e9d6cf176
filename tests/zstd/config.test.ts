// The compression keys: codec per target or in defaults, the level's range and default per codec, and on a
// Node.js without zstd a config asking for it is a config error (exit 78) naming the place and the versions (the
// CLI runs on a Node.js without zstd whichever Node.js runs vitest: tests/helpers/zstd.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasZstd } from '../../src/archive/zstd-runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { nodeVersion, nodeWithoutZstd } from '../helpers/zstd.js';

function configFile(lines: string[]): string {
  const dir = tmpDir();
  const file = join(dir, 'snapshotter.yaml');
  writeFileSync(file, [`backup_dir: ${join(dir, 'b')}`, ...lines, ''].join('\n'), { mode: 0o600 });
  return file;
}

function loadError(file: string): string {
  try {
    loadConfig(file, {});
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the config loaded');
}

describe('compression keys', () => {
  it('gzip level 6 by default; zstd level 3 by default; a target overrides defaults', () => {
    const file = configFile([
      'defaults: { compression: zstd }',
      'targets:',
      '  - { name: a, type: filesystem, paths: [/etc] }',
      '  - { name: b, type: filesystem, paths: [/etc], compression: gzip }',
      '  - { name: c, type: filesystem, paths: [/etc], compression_level: 19 }',
    ]);
    if (!hasZstd()) {
      expect(loadError(file)).toMatch(/snapshotter\.yaml:2:\d+: defaults\.compression: zstd needs Node\.js 22\.15/);
      return;
    }
    const targets = loadConfig(file, {}).config.targets;
    expect(targets.map((t) => [t.compression, t.compression_level])).toEqual([
      ['zstd', 3],
      ['gzip', 6],
      ['zstd', 19],
    ]);
  });

  it('levels are checked per codec, at the line that sets them', () => {
    const file = configFile([
      'defaults: { compression_level: 12 }',
      'targets:',
      '  - { name: a, type: filesystem, paths: [/etc] }',
      '  - { name: b, type: filesystem, paths: [/etc], compression: zstd, compression_level: 20 }',
    ]);
    const message = loadError(file);
    expect(message).toMatch(/snapshotter\.yaml:2:\d+: defaults\.compression_level: Too big for gzip: 12 \(gzip levels are 1–9/);
    expect(message).toMatch(/snapshotter\.yaml:5:\d+: targets\[1\]\.compression_level: .*19/);
  });

  const oldNode = nodeWithoutZstd('zstd config on a Node.js without zstd');
  it.runIf(oldNode !== undefined)('on a Node.js without zstd, a zstd config exits 78 with the versions', async () => {
    const file = configFile(['targets:', '  - { name: a, type: filesystem, paths: [/etc], compression: zstd }']);
    const result = await runCli(['config', 'check', '-c', file], { node: oldNode });
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain(`${file}:3:`);
    expect(result.stderr).toContain(
      `targets[0].compression: zstd needs Node.js 22.15 or newer; this is Node.js ${nodeVersion(oldNode!)}`,
    );
  });
});
