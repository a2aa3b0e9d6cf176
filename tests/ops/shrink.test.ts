// The size-drop guard end to end: a backup under half the size of the previous one succeeds but carries the
// warning `suspicious_shrink` in the report, the log file and the metrics; min_size_ratio 0 turns it off.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { readMetrics, series, sourceDir, writeConfig } from './fixtures.js';

interface Report {
  targets: { name: string; status: string; artifact: string; warnings: { code: string; message: string }[] }[];
}

async function run(config: string): Promise<Report['targets']> {
  const result = await runCli(['run', '-c', config, '--json']);
  expect(result.exitCode, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as Report).targets;
}

describe('size-drop guard', () => {
  it('flags a backup that shrank by more than half, in the report, the log and the metrics', async () => {
    const dir = tmpDir();
    const source = sourceDir(dir, 'data', 200_000);
    const log = join(dir, 'log', 'snapshotter.log');
    const { config, metrics } = writeConfig(
      dir,
      [
        { name: 'shrinks', paths: [source] },
        { name: 'lenient', paths: [sourceDir(dir, 'other', 200_000)], extra: 'min_size_ratio: 0' },
      ],
      `log:\n  file: ${log}`,
    );
    const first = await run(config);
    expect(first.every((t) => t.warnings.length === 0)).toBe(true);

    // 40% of the data is left: under the default ratio of 0.5.
    writeFileSync(join(source, 'data.bin'), randomBytes(80_000));
    writeFileSync(join(dir, 'other', 'data.bin'), randomBytes(1_000));
    const second = await run(config);
    const shrunk = second.find((t) => t.name === 'shrinks')!;
    expect(shrunk.status).toBe('success');
    expect(shrunk.warnings).toEqual([
      {
        code: 'suspicious_shrink',
        message: expect.stringContaining(`new archive ${shrunk.artifact} is `),
      },
      { code: 'shrink_hold', message: expect.stringContaining(`keeping ${first.find((t) => t.name === 'shrinks')!.artifact}`) },
    ]);
    expect(shrunk.warnings[0]!.message).toContain(`of the previous backup ${first.find((t) => t.name === 'shrinks')!.artifact}`);
    expect(second.find((t) => t.name === 'lenient')!.warnings).toEqual([]);

    // The log file and any rotated ones beside it (snapshotter.log, snapshotter.log.1, ...).
    const logged = readdirSync(join(dir, 'log'))
      .map((name) => readFileSync(join(dir, 'log', name), 'utf8'))
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { code?: string; target?: string; level: number });
    expect(logged.filter((l) => l.code === 'suspicious_shrink')).toEqual([
      expect.objectContaining({ target: 'shrinks', level: 40 }),
    ]);

    let m = readMetrics(metrics);
    expect(m.get(series('snapshotter_target_suspicious_shrink', 'shrinks'))).toBe(1);
    expect(m.get(series('snapshotter_target_suspicious_shrink', 'lenient'))).toBe(0);

    // Same size again: no new suspicious_shrink (the metric goes back to 0), but the hold on the full-size one stays.
    const third = await run(config);
    expect(third.find((t) => t.name === 'shrinks')!.warnings.map((w) => w.code)).toEqual(['shrink_hold']);
    m = readMetrics(metrics);
    expect(m.get(series('snapshotter_target_suspicious_shrink', 'shrinks'))).toBe(0);
  });

  it('lets a backup at 60% of the previous one pass', async () => {
    const dir = tmpDir();
    const source = sourceDir(dir, 'data', 100_000);
    const { config } = writeConfig(dir, [{ name: 'steady', paths: [source] }]);
    await run(config);
    writeFileSync(join(source, 'data.bin'), randomBytes(60_000));
    expect((await run(config))[0]!.warnings).toEqual([]);
  });

  it('holds the last full-size backup against keep_last while the backups stay small, then lets it go', async () => {
    const dir = tmpDir();
    const source = sourceDir(dir, 'data', 200_000);
    const { config, metrics, backups } = writeConfig(dir, [
      { name: 'held', paths: [source], extra: 'retention: { keep_last: 1 }' },
    ]);
    const archives = (): string[] => readdirSync(join(backups, 'held')).filter((n) => n.endsWith('.tar.gz'));
    const full = (await run(config))[0]!.artifact;

    writeFileSync(join(source, 'data.bin'), randomBytes(50_000));
    const small = [await run(config), await run(config)].map((r) => r[0]!);
    for (const result of small) {
      // Every run while the hold lasts says so: report (and so notifications) and metrics.
      expect(result.warnings).toContainEqual({ code: 'shrink_hold', message: expect.stringContaining(`keeping ${full}`) });
    }
    expect(archives()).toEqual([full, small[1]!.artifact]);
    expect(readMetrics(metrics).get(series('snapshotter_target_shrink_hold', 'held'))).toBe(1);

    // Back to size: the hold ends and keep_last 1 applies again.
    writeFileSync(join(source, 'data.bin'), randomBytes(200_000));
    const back = (await run(config))[0]!;
    expect(back.warnings).toEqual([]);
    expect(archives()).toEqual([back.artifact]);
    expect(readMetrics(metrics).get(series('snapshotter_target_shrink_hold', 'held'))).toBe(0);
  });
});
