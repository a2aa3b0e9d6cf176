// Stale lock recovery: a lock whose holder is provably gone (another boot, a reused PID, an empty file older than a
// minute) is taken over; a live holder keeps it. Runs blocked for longer than lock_alert_after alert and write metrics.
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/orchestrator/lock.js';
import { bootId, processStart } from '../../src/orchestrator/lock-holder.js';
import { LockHeldError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { startReceiver, type Receiver } from '../notify/receiver.js';

/** A lock as a live holder (this test process) writes it, with fields overridden. */
async function liveLock(path: string, override: Record<string, unknown> = {}): Promise<void> {
  const holder = {
    pid: process.pid,
    host: hostname(),
    started_at: new Date().toISOString(),
    nonce: 'holder',
    boot_id: await bootId(),
    pid_start: await processStart(process.pid),
    ...override,
  };
  writeFileSync(path, JSON.stringify(holder) + '\n');
}

describe('the lock file', () => {
  it('records boot id and process start time, and a live holder keeps it', async () => {
    const path = join(tmpDir(), 'lock');
    const lock = await acquireLock(path);
    const written = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(written.boot_id).toBe(await bootId());
    expect(written.pid_start).toBe(await processStart(process.pid));
    await expect(acquireLock(path)).rejects.toThrow(LockHeldError);
    await lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock from another boot and one whose PID now belongs to another program', async () => {
    const dir = tmpDir();
    await liveLock(join(dir, 'a'), { boot_id: '00000000-0000-0000-0000-000000000000' });
    const a = await acquireLock(join(dir, 'a'));
    expect(a.tookOverFrom?.reason).toContain('before the last reboot');
    await liveLock(join(dir, 'b'), { pid_start: '1' });
    const b = await acquireLock(join(dir, 'b'));
    expect(b.tookOverFrom?.reason).toContain('PID reused');
  });

  it('waits for an empty lock file younger than a minute, takes over an older one', async () => {
    const path = join(tmpDir(), 'lock');
    writeFileSync(path, '');
    await expect(acquireLock(path)).rejects.toThrow(/empty or unreadable and less than a minute old/);
    const old = new Date(Date.now() - 120_000);
    utimesSync(path, old, old);
    const lock = await acquireLock(path);
    expect(lock.tookOverFrom?.reason).toBe('the lock file was empty');
  });
});

describe('a custom lock_file in a folder that does not exist', () => {
  it('fails the run naming the lock file and its folder, not the backup folder', async () => {
    const dir = tmpDir();
    const config = join(dir, 'c.yaml');
    const lockFile = join(dir, 'run', 'snapshotter.lock');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\nlock_file: ${lockFile}\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}] }\n`,
    );
    const result = await runCli(['run', '-c', config, '--json']);
    expect(result.exitCode, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { targets: { status: string; error: string }[] };
    expect(report.targets[0]!.status).toBe('failure');
    expect(report.targets[0]!.error).toMatch(
      new RegExp(
        `^cannot take the run lock: the folder of the lock file ${lockFile}, ${join(dir, 'run')}, does not exist: ENOENT`,
      ),
    );
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });
});

describe('runs blocked by a live lock', () => {
  let receiver: Receiver;
  beforeAll(async () => (receiver = await startReceiver()));
  afterAll(() => receiver.close());

  it('exit 3 quietly at first, and alert with metrics once blocked for longer than lock_alert_after', async () => {
    const dir = tmpDir();
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      [
        `backup_dir: ${dir}/backups`,
        `lock_file: ${dir}/lock`,
        'lock_alert_after: 1h',
        `metrics: { textfile: ${dir}/m.prom }`,
        'targets:',
        `  - { name: files, type: filesystem, paths: [${dir}] }`,
        'notifications:',
        `  webhooks: [{ url: "${receiver.url}/hook", retries: 0 }]`,
        '',
      ].join('\n'),
    );
    await liveLock(join(dir, 'lock'));
    const first = await runCli(['run', '-c', config]);
    expect(first.exitCode).toBe(3);
    expect(receiver.requests).toHaveLength(0);
    expect(existsSync(join(dir, 'm.prom'))).toBe(false);
    const since = JSON.parse(readFileSync(join(dir, 'lock.blocked'), 'utf8')) as { since: string };

    // The first blocked attempt was two hours ago.
    writeFileSync(join(dir, 'lock.blocked'), JSON.stringify({ since: new Date(Date.parse(since.since) - 7_200_000) }));
    const later = await runCli(['run', '-c', config]);
    expect(later.exitCode).toBe(3);
    expect(receiver.requests.map((r) => (r.json as { event: string }).event)).toEqual(['backup_critical_failure']);
    const payload = receiver.requests[0]!.json as { targets: { error: string }[] };
    expect(payload.targets[0]!.error).toMatch(/runs have been blocked by the lock since/);
    expect(readFileSync(join(dir, 'm.prom'), 'utf8')).toMatch(/snapshotter_target_success\{[^}]*\} 0/);
  }, 60_000);
});
