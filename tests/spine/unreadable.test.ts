// A file the operator's user cannot read is a warning that names it, and the backup of everything else succeeds.
// Run as `nobody` (root reads everything), through runuser.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { findBinary, requireBinaries, requireCondition } from '../helpers/binaries.js';
import { BIN } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const runuser = findBinary('runuser');
const nobody = execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim();
const enabled =
  requireBinaries('unreadable file as nobody', { runuser }) &&
  requireCondition('unreadable file as nobody', process.getuid?.() === 0, 'needs root to run as nobody');

describe.runIf(enabled)('a file the user cannot read', () => {
  it('is a warning naming it; the rest is backed up', async () => {
    const dir = tmpDir();
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'b'));
    chownSync(join(dir, 'b'), Number(nobody), -1);
    writeFileSync(join(dir, 'src', 'ok.txt'), 'ok\n');
    writeFileSync(join(dir, 'src', 'secret.txt'), 'root only\n', { mode: 0o600 });
    writeFileSync(join(dir, 'c.yaml'), `backup_dir: ./b\ntargets:\n  - { name: files, type: filesystem, paths: [./src] }\n`, {
      mode: 0o644,
    });
    const result = await execa(
      runuser!,
      ['-u', 'nobody', '--', process.execPath, BIN, 'run', '--json', '-c', join(dir, 'c.yaml')],
      {
        reject: false,
        env: { SNAPSHOTTER_CONFIG: undefined },
      },
    );
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const target = JSON.parse(String(result.stdout)).targets[0];
    expect(target.status).toBe('success');
    expect(target.warnings).toEqual([
      { code: 'unreadable', message: expect.stringContaining(`cannot read ${join(dir, 'src', 'secret.txt')}`) },
    ]);
    const listed = execFileSync('tar', ['-tzf', join(dir, 'b', 'files', target.artifact)], { encoding: 'utf8' });
    expect(listed).toContain('src/ok.txt');
    expect(listed).not.toContain('secret.txt');
  });
});
