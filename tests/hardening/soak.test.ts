// Soak: 200 consecutive runs with retention in one process. The folder then holds exactly what the policy says,
// no temporary files are left, and neither open file descriptors nor memory grow from run to run.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logging/logger.js';
import { pruneTargets, retentionPhases } from '../../src/orchestrator/retention.js';
import { composePhases, runBackups } from '../../src/orchestrator/run.js';
import type { RunContext } from '../../src/orchestrator/run-target.js';
import { tmpDir } from '../helpers/tmp.js';

const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('200 consecutive runs', () => {
  it('keep exactly what retention says, leave no temporary files, and do not leak', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'src', 'sub', `f${i}.txt`), `file ${i}\n`.repeat(50));
    const file = join(dir, 'snapshotter.yaml');
    writeFileSync(
      file,
      `backup_dir: ${dir}/backups\ntargets:\n  - name: files\n    type: filesystem\n    paths: [${dir}/src]\n    retention: { keep_last: 3, keep_daily: 4 }\n`,
    );
    const { config, redactor } = loadConfig(file, {});
    const log = await createLogger({
      level: 'silent',
      json: true,
      redactor,
      stderr: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const run: RunContext = {
      config,
      logger: log.logger,
      redactor,
      now: () => new Date(clock),
      env: {},
      signal: new AbortController().signal,
    };

    let fdsAfterWarmup = 0;
    let heapAfterWarmup = 0;
    for (let i = 1; i <= 200; i++) {
      clock += 3_600_000;
      const report = await runBackups(run, config.targets, composePhases(retentionPhases(run)));
      expect(report.status, report.targets[0]?.error ?? '').toBe('success');
      if (i === 20) {
        fdsAfterWarmup = openFds();
        heapAfterWarmup = process.memoryUsage().heapUsed;
      }
    }
    // Hourly backups up to 2026-01-09T08:00Z; keep_last 3 and the newest of each of the last 4 days.
    const names = readdirSync(join(dir, 'backups', 'files')).sort();
    const stamps = [
      '20260106T230000Z',
      '20260107T230000Z',
      '20260108T230000Z',
      '20260109T060000Z',
      '20260109T070000Z',
      '20260109T080000Z',
    ];
    expect(names).toEqual(stamps.flatMap((s) => [`files-${s}.tar.gz`, `files-${s}.tar.gz.json`, `files-${s}.tar.gz.sha256`]));
    expect(readdirSync(join(dir, 'backups')).filter((n) => n.startsWith('.'))).toEqual([]);

    const plan = await pruneTargets(run, config.targets, { dryRun: true });
    expect(plan[0]!.deleted).toEqual([]);

    expect(openFds()).toBeLessThanOrEqual(fdsAfterWarmup + 2);
    expect(process.memoryUsage().heapUsed - heapAfterWarmup).toBeLessThan(40 * 1024 * 1024);
    await log.close();
  }, 300_000);
});
