// Every exit code of DESIGN §1 that the spine covers, as monitoring reads them.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { randomFile } from '../helpers/files.js';

function setup(targets: string): { dir: string; config: string } {
  const dir = tmpDir();
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.txt'), 'a\n');
  const config = join(dir, 'c.yaml');
  writeFileSync(config, `backup_dir: ${dir}/backups\ntargets:\n${targets.replaceAll('$DIR', dir)}`);
  return { dir, config };
}

const good = (name: string) => `  - name: ${name}\n    type: filesystem\n    paths: [$DIR/src]\n`;
const bad = (name: string) => `  - name: ${name}\n    type: filesystem\n    paths: [$DIR/missing]\n`;

describe('exit codes', () => {
  it('0 when every target succeeded, 2 when some failed, 1 when all failed', async () => {
    const ok = setup(good('a') + good('b'));
    expect((await runCli(['run', '-c', ok.config])).exitCode).toBe(0);
    const partial = setup(good('a') + bad('b'));
    const partialRun = await runCli(['run', '-c', partial.config]);
    expect(partialRun.exitCode).toBe(2);
    expect(partialRun.stdout).toContain('partial_failure: 1 of 2 targets succeeded, 1 failed');
    const failed = setup(bad('a') + bad('b'));
    expect((await runCli(['run', '-c', failed.config])).exitCode).toBe(1);
  });

  it('3 while another run holds the lock; a dead run’s lock is taken over', async () => {
    const { dir, config } = setup(good('a'));
    mkdirSync(join(dir, 'backups'));
    const lock = join(dir, 'backups', '.snapshotter.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started_at: 'x', nonce: 'n' }));
    const held = await runCli(['run', '-c', config]);
    expect(held.exitCode).toBe(3);
    expect(held.stderr).toContain(`another run holds the lock ${lock} (pid ${process.pid}`);

    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), started_at: 'x', nonce: 'n' }));
    const takeover = await runCli(['run', '-c', config]);
    expect(takeover.exitCode, takeover.stderr).toBe(0);
    expect(takeover.stderr).toContain('took over the lock of a run that died');
    expect(existsSync(lock)).toBe(false);
  });

  it('143 after SIGTERM, with no partial file and no lock left', async () => {
    const { dir, config } = setup(good('big'));
    randomFile(join(dir, 'src', 'big.bin'), 96);
    const child = startCli(['run', '-c', config]);
    const folder = join(dir, 'backups', 'big');
    for (let i = 0; i < 200 && !(existsSync(folder) && readdirSync(folder).length > 0); i++) await sleep(25);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(143);
    expect(readdirSync(folder)).toEqual([]);
    expect(existsSync(join(dir, 'backups', '.snapshotter.lock'))).toBe(false);
  });

  it('64 for an unknown command, option or target', async () => {
    const { config } = setup(good('a'));
    expect((await runCli(['frobnicate'])).exitCode).toBe(64);
    expect((await runCli(['run', '--no-such-flag', '-c', config])).exitCode).toBe(64);
    const target = await runCli(['run', '-c', config, '--target', 'nope']);
    expect(target.exitCode).toBe(64);
    expect(target.stderr).toContain('unknown target "nope" (configured: a)');
  });

  it('0 for --help and --version', async () => {
    const version = await runCli(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await runCli(['run', '--help'])).exitCode).toBe(0);
  });
});

describe('exit code 78: the config names the place', () => {
  const cases: [string, string, RegExp][] = [
    ['missing file', '', /cannot read the config file/],
    ['bad YAML', 'backup_dir: /x\ntargets: [\n', /c\.yaml:\d+:\d+: not valid YAML/],
    [
      'unknown key',
      'backup_dir: /x\ntargets:\n  - name: a\n    type: filesystem\n    paths: [/etc]\n    exclde: ["*.tmp"]\n',
      /c\.yaml:6:5: targets\[0\]\.exclde: unknown key "exclde"/,
    ],
    [
      'unset variable',
      'backup_dir: ${SNAPSHOTTER_TEST_UNSET_DIR}\ntargets:\n  - name: a\n    type: filesystem\n    paths: [/etc]\n',
      /c\.yaml:1:13: backup_dir: environment variable SNAPSHOTTER_TEST_UNSET_DIR is not set/,
    ],
    [
      'bad duration',
      'backup_dir: /x\ndefaults:\n  timeout: 2 hours\ntargets:\n  - name: a\n    type: filesystem\n    paths: [/etc]\n',
      /c\.yaml:3:12: defaults\.timeout: invalid duration "2 hours"/,
    ],
    [
      'duplicate names',
      'backup_dir: /x\ntargets:\n  - name: a\n    type: filesystem\n    paths: [/etc]\n  - name: a\n    type: filesystem\n    paths: [/etc]\n',
      /c\.yaml:6:11: targets\[1\]\.name: duplicate target name "a"/,
    ],
    [
      'unknown type',
      'backup_dir: /x\ntargets:\n  - name: a\n    type: ftp\n',
      /c\.yaml:4:11: targets\[0\]\.type: unknown target type "ftp"/,
    ],
    [
      'name with a slash',
      'backup_dir: /x\ntargets:\n  - name: ../a\n    type: filesystem\n    paths: [/etc]\n',
      /c\.yaml:3:11: targets\[0\]\.name: must match/,
    ],
  ];
  for (const [what, yaml, expected] of cases) {
    it(what, async () => {
      const dir = tmpDir();
      const config = join(dir, 'c.yaml');
      if (yaml) writeFileSync(config, yaml);
      const result = await runCli(['config', 'check', '-c', config]);
      expect(result.exitCode).toBe(78);
      expect(result.stderr).toMatch(expected);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
