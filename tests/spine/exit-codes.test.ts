// Every exit code of DESIGN §1 that the spine covers, as monitoring reads them.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { makeGate } from '../helpers/gate.js';
import { mainInProcess } from '../helpers/in-process.js';
import { startReceiver } from '../notify/receiver.js';

function setup(targets: string, top = ''): { dir: string; config: string } {
  const dir = tmpDir();
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.txt'), 'a\n');
  const config = join(dir, 'c.yaml');
  writeFileSync(config, `backup_dir: ${dir}/backups\n${top.replaceAll('$DIR', dir)}targets:\n${targets.replaceAll('$DIR', dir)}`);
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

  it('64 for an unknown command, option or target', async () => {
    const { config } = setup(good('a'));
    expect((await mainInProcess(['frobnicate'])).exitCode).toBe(64);
    expect((await mainInProcess(['run', '--no-such-flag', '-c', config])).exitCode).toBe(64);
    const target = await runCli(['run', '-c', config, '--target', 'nope']);
    expect(target.exitCode).toBe(64);
    expect(target.stderr).toContain('unknown target "nope" (configured: a)');
  });

  it('0 for --help and --version', async () => {
    const version = await runCli(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await mainInProcess(['run', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: snapshotter run [options]');
  });
});

describe('interrupted runs (the dump blocks until the test releases it)', () => {
  it('143 after SIGTERM, with no partial file and no lock left', async () => {
    const gate = makeGate(['db']);
    const { dir, config } = setup(gate.target('db'));
    const child = startCli(['run', '-c', config], { env: gate.env });
    await gate.started('db');
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(143);
    expect(gate.log()).toContain('term db');
    expect(readdirSync(join(dir, 'backups', 'db'))).toEqual([]);
    expect(existsSync(join(dir, 'backups', '.snapshotter.lock'))).toBe(false);
  });

  it('130 after SIGINT; the report, the webhook and the metrics say the run was interrupted', async () => {
    const gate = makeGate(['db']);
    const hook = await startReceiver();
    try {
      const top = `metrics:\n  textfile: $DIR/snapshotter.prom\nnotifications:\n  webhooks:\n    - url: ${hook.url}/hook\n`;
      const { dir, config } = setup(gate.target('db'), top);
      const child = startCli(['run', '-c', config, '--json'], { env: gate.env });
      await gate.started('db');
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode, String(result.stderr)).toBe(130);
      const report = JSON.parse(String(result.stdout));
      expect(report).toMatchObject({ status: 'failure', interrupted: 'SIGINT', summary: { total: 1, succeeded: 0, failed: 1 } });
      expect(report.targets[0]).toMatchObject({
        name: 'db',
        status: 'failure',
        artifact: null,
        error: 'interrupted (interrupted by SIGINT)',
      });
      expect(hook.requests).toHaveLength(1);
      expect(hook.requests[0]!.json).toMatchObject({ event: 'backup_critical_failure', interrupted: 'SIGINT' });
      const metrics = readFileSync(join(dir, 'snapshotter.prom'), 'utf8');
      expect(metrics).toMatch(/^snapshotter_last_run_status 130$/m);
      expect(metrics).toMatch(/^snapshotter_target_success\{target="db"[^}]*\} 0$/m);
      expect(readdirSync(join(dir, 'backups', 'db'))).toEqual([]);
      expect(existsSync(join(dir, 'backups', '.snapshotter.lock'))).toBe(false);
    } finally {
      await hook.close();
    }
  });

  it('a second SIGINT exits 130 at once, without waiting for a child that ignores SIGTERM', async () => {
    const gate = makeGate(['stubborn']);
    const { config } = setup(gate.target('stubborn'));
    const child = startCli(['run', '-c', config], { env: gate.env });
    const pid = await gate.started('stubborn');
    try {
      child.kill('SIGINT');
      await gate.termed('stubborn'); // the first signal is being handled: the dump was asked to stop
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      // The run did not wait out the kill grace: the stubborn dump was never SIGKILLed and still runs.
      expect(() => process.kill(pid, 0)).not.toThrow();
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
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
  // The first case runs as a process; the rest through the CLI's main() in-process (same mapping to 78).
  for (const [index, [what, yaml, expected]] of cases.entries()) {
    it(what, async () => {
      const dir = tmpDir();
      const config = join(dir, 'c.yaml');
      if (yaml) writeFileSync(config, yaml);
      const args = ['config', 'check', '-c', config];
      const result = index === 0 ? await runCli(args) : await mainInProcess(args);
      expect(result.exitCode).toBe(78);
      expect(result.stderr).toMatch(expected);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
