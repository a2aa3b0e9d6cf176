// Runs and targets side by side, each dump blocking until the test releases it (tests/fixtures/gate): ten runs
// started at once on one config (one backs up, nine exit 3 on the custom lock_file), and `concurrency` limiting
// how many targets run at once.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { makeGate } from '../helpers/gate.js';
import { tmpDir } from '../helpers/tmp.js';
import { whenDir } from '../helpers/watch.js';

describe('ten runs at once', () => {
  it('one backs up, nine exit 3 naming the custom lock_file, which is gone after the run', async () => {
    const dir = tmpDir();
    const gate = makeGate(['db']);
    const lock = join(dir, 'snap.lock');
    writeFileSync(join(dir, 'c.yaml'), `backup_dir: ${dir}/backups\nlock_file: snap.lock\ntargets:\n${gate.target('db')}`);
    const runs = Array.from({ length: 10 }, () => startCli(['run', '-c', join(dir, 'c.yaml')], { env: gate.env }));
    let exited = 0;
    await Promise.all([
      gate.started('db', Promise.all(runs)),
      new Promise<void>((resolve) => {
        for (const run of runs) void run.then(() => ++exited === 9 && resolve());
      }),
    ]);
    // The winner's dump is in flight: it holds the custom lock, not the default one.
    expect(existsSync(lock)).toBe(true);
    expect(existsSync(join(dir, 'backups', '.snapshotter.lock'))).toBe(false);
    await gate.release('db');
    const results = await Promise.all(runs);
    expect(results.map((r) => r.exitCode).sort()).toEqual([0, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    for (const run of results.filter((r) => r.exitCode === 3)) {
      expect(String(run.stderr)).toContain(`another run holds the lock ${lock}`);
    }
    expect(existsSync(lock)).toBe(false);
    const list = await runCli(['list', '-c', join(dir, 'c.yaml'), '--json']);
    expect(list.stdout.match(/"db-\d{8}T\d{6}Z\.sql\.gz"/g)).toHaveLength(1);
  }, 120_000);
});

describe('concurrency', () => {
  it('runs at most `concurrency` targets at once, and that many in parallel', async () => {
    const dir = tmpDir();
    const names = ['a', 'b', 'c', 'd'];
    const gate = makeGate(names);
    writeFileSync(
      join(dir, 'c.yaml'),
      `backup_dir: ${dir}/backups\nconcurrency: 2\ntargets:\n${names.map((n) => gate.target(n)).join('')}`,
    );
    const child = startCli(['run', '-c', join(dir, 'c.yaml')], { env: gate.env });
    const released = new Set<string>();
    const started = (): string[] => gate.log().flatMap((l) => (l.startsWith('start ') ? [l.split(' ')[1]!] : []));
    const waiting = (): string[] => started().filter((n) => !released.has(n));
    // Release the oldest running dump whenever two are waiting (or, once all started, whatever still waits).
    while (released.size < names.length) {
      await whenDir(gate.dir, () => waiting().length >= 2 || (started().length === names.length && waiting().length > 0), child);
      const next = waiting()[0]!;
      released.add(next);
      await gate.release(next);
    }
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    let running = 0;
    let most = 0;
    for (const line of gate.log()) {
      running += line.startsWith('start ') ? 1 : line.startsWith('end ') ? -1 : 0;
      most = Math.max(most, running);
    }
    expect(most).toBe(2);
  }, 120_000);
});
