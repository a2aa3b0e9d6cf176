// Full, read-only and wrong backup folders: the target that cannot write fails with a clear message, its
// partial file is removed, other targets still run, retention does not run for it, and the exit code says so.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { randomFile } from '../helpers/files.js';

const mounted: string[] = [];

function canMount(): boolean {
  const probe = tmpDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  }
}

const mountable = canMount();
if (!mountable) {
  const reason = 'disk tests: skipped, this user cannot mount a tmpfs';
  if (process.env.CI === 'true') throw new Error(`${reason} — CI runs as root and must run them`);
  console.warn(reason);
}

function mountTmpfs(path: string, options: string): void {
  mkdirSync(path, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path]);
  mounted.push(path);
}

afterEach(() => {
  for (const path of mounted.splice(0)) execFileSync('umount', ['-l', path]);
});

describe.runIf(mountable)('backup folder on a disk that fails', () => {
  it('a full disk fails only the target that hit it, removes its partial file and prunes nothing', async () => {
    const dir = tmpDir();
    const backups = join(dir, 'backups');
    mountTmpfs(backups, 'size=6m,mode=0700');
    mkdirSync(join(dir, 'big'));
    mkdirSync(join(dir, 'small'));
    writeFileSync(join(dir, 'big', 'seed.txt'), 'small at first\n');
    writeFileSync(join(dir, 'small', 'a.txt'), 'a\n');
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${backups}
targets:
  - { name: big, type: filesystem, paths: [${dir}/big], retention: { keep_last: 1 } }
  - { name: small, type: filesystem, paths: [${dir}/small] }
`,
    );
    expect((await runCli(['run', '-c', config, '--target', 'big'])).exitCode).toBe(0);
    const before = readdirSync(join(backups, 'big')).sort();
    expect(before).toHaveLength(3);

    randomFile(join(dir, 'big', 'blob'), 12);
    const result = await runCli(['run', '-c', config, '--json']);
    expect(result.exitCode).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.targets[0].status).toBe('failure');
    expect(report.targets[0].error).toMatch(/no space left on device/i);
    expect(report.targets[0].error).toContain(join(backups, 'big'));
    expect(report.targets[1].status).toBe('success');
    expect(readdirSync(join(backups, 'big')).sort()).toEqual(before);
  });

  it('a read-only backup folder fails every target with exit 1', async () => {
    const dir = tmpDir();
    const backups = join(dir, 'backups');
    mountTmpfs(backups, 'size=1m,ro');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.txt'), 'a\n');
    writeFileSync(
      join(dir, 'c.yaml'),
      `backup_dir: ${backups}\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src] }\n`,
    );
    const result = await runCli(['run', '-c', join(dir, 'c.yaml'), '--json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).targets[0].error).toMatch(/read-only file system/i);
  });
});

describe('a backup folder that is a file', () => {
  it('fails every target with exit 1 and says why', async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'backups'), 'not a folder');
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'c.yaml'),
      `backup_dir: ${dir}/backups\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src] }\n`,
    );
    const result = await runCli(['run', '-c', join(dir, 'c.yaml'), '--json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).targets[0].error).toContain(`${dir}/backups exists and is not a folder`);
  });
});
