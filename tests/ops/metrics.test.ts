// The metrics textfile end to end: the CLI runs real filesystem targets (missing paths make failures), promtool
// judges the format, and the values match the run report and the files on disk. The runs go through the CLI's main()
// in this process (tests/helpers/in-process.ts): what a run writes is the point, not the process.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBinaries } from '../helpers/binaries.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';
import { promtool, promtoolCheck, readMetrics, series, sourceDir, writeConfig } from './fixtures.js';

interface Report {
  status: string;
  finished_at: string;
  targets: {
    name: string;
    status: string;
    artifact: string | null;
    size_bytes: number | null;
    finished_at: string;
    duration_seconds: number;
  }[];
}

async function run(config: string, ...args: string[]): Promise<{ exitCode: number; report: Report; stderr: string }> {
  const result = await mainInProcess(['run', '-c', config, '--json', ...args]);
  return { exitCode: result.exitCode, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

const hasPromtool = requireBinaries('metrics textfile checked by promtool', { promtool });

describe.runIf(hasPromtool)('metrics textfile', () => {
  it('after a success: every family, values from the report and the disk, promtool accepts it', async () => {
    const dir = tmpDir();
    const { config, metrics, backups } = writeConfig(dir, [
      { name: 'alpha', paths: [sourceDir(dir, 'a', 50_000)] },
      { name: 'beta', paths: [sourceDir(dir, 'b', 20_000)] },
    ]);
    const { exitCode, report, stderr } = await run(config);
    expect(exitCode, stderr).toBe(0);
    expect(await promtoolCheck(metrics)).toEqual({ exitCode: 0, output: '' });
    expect(statSync(metrics).mode & 0o777).toBe(0o644);

    const m = readMetrics(metrics);
    expect(m.get('snapshotter_last_run_status')).toBe(0);
    expect(m.get('snapshotter_last_run_timestamp_seconds')).toBe(Date.parse(report.finished_at) / 1000);
    for (const t of report.targets) {
      const archive = statSync(join(backups, t.name, t.artifact!));
      expect(m.get(series('snapshotter_target_success', t.name))).toBe(1);
      expect(m.get(series('snapshotter_target_size_bytes', t.name))).toBe(archive.size);
      expect(m.get(series('snapshotter_target_backups', t.name))).toBe(1);
      expect(m.get(series('snapshotter_target_duration_seconds', t.name))).toBe(t.duration_seconds);
      expect(m.get(series('snapshotter_target_last_success_timestamp_seconds', t.name))).toBe(Date.parse(t.finished_at) / 1000);
      expect(m.get(series('snapshotter_target_suspicious_shrink', t.name))).toBe(0);
    }
    const text = readFileSync(metrics, 'utf8');
    expect(text).toContain('# TYPE snapshotter_target_backups gauge');
    expect(text).toContain('# HELP snapshotter_last_run_status ');
    // No temporary file is left beside it.
    expect(readdirSync(join(dir, 'metrics'))).toEqual(['snapshotter.prom']);

    // A second run: two backups kept per target.
    expect((await run(config)).exitCode).toBe(0);
    expect(readMetrics(metrics).get(series('snapshotter_target_backups', 'alpha'))).toBe(2);
  });

  it('after a partial failure: status 2, the failed target reads 0 and has no size', async () => {
    const dir = tmpDir();
    const { config, metrics } = writeConfig(dir, [
      { name: 'good', paths: [sourceDir(dir, 'a', 10_000)] },
      { name: 'broken', paths: [join(dir, 'missing')] },
    ]);
    const { exitCode } = await run(config);
    expect(exitCode).toBe(2);
    expect(await promtoolCheck(metrics)).toEqual({ exitCode: 0, output: '' });
    const m = readMetrics(metrics);
    expect(m.get('snapshotter_last_run_status')).toBe(2);
    expect(m.get(series('snapshotter_target_success', 'good'))).toBe(1);
    expect(m.get(series('snapshotter_target_success', 'broken'))).toBe(0);
    expect(m.get(series('snapshotter_target_last_success_timestamp_seconds', 'broken'))).toBe(0);
    expect(m.get(series('snapshotter_target_backups', 'broken'))).toBe(0);
    expect(m.has(series('snapshotter_target_size_bytes', 'broken'))).toBe(false);
  });

  it('after a total failure, and when the run stops before any target: status 1, still a valid file', async () => {
    const dir = tmpDir();
    const { config, metrics, backups } = writeConfig(dir, [
      { name: 'one', paths: [join(dir, 'missing-1')] },
      { name: 'two', paths: [join(dir, 'missing-2')] },
    ]);
    expect((await run(config)).exitCode).toBe(1);
    expect(await promtoolCheck(metrics)).toEqual({ exitCode: 0, output: '' });
    let m = readMetrics(metrics);
    expect(m.get('snapshotter_last_run_status')).toBe(1);
    expect(m.get(series('snapshotter_target_success', 'one'))).toBe(0);
    expect(m.get(series('snapshotter_target_success', 'two'))).toBe(0);

    // backup_dir is a file: the run cannot start; the metrics still say so.
    rmSync(backups, { recursive: true });
    writeFileSync(backups, 'not a folder');
    rmSync(metrics);
    const stopped = await run(config);
    expect(stopped.exitCode).toBe(1);
    expect(await promtoolCheck(metrics)).toEqual({ exitCode: 0, output: '' });
    m = readMetrics(metrics);
    expect(m.get('snapshotter_last_run_status')).toBe(1);
    expect(m.get(series('snapshotter_target_success', 'one'))).toBe(0);
  });

  it('keeps a target’s last success across a failed run and a run that did not select it', async () => {
    const dir = tmpDir();
    const source = sourceDir(dir, 'a', 10_000);
    const { config, metrics } = writeConfig(dir, [
      { name: 'keep', paths: [source] },
      { name: 'other', paths: [sourceDir(dir, 'b', 1_000)] },
    ]);
    const first = await run(config);
    expect(first.exitCode).toBe(0);
    const keep = first.report.targets.find((t) => t.name === 'keep')!;
    const lastSuccess = Date.parse(keep.finished_at) / 1000;

    renameSync(source, `${source}-gone`);
    const failed = await run(config, '--target', 'keep');
    expect(failed.exitCode).toBe(1);
    let m = readMetrics(metrics);
    expect(m.get(series('snapshotter_target_success', 'keep'))).toBe(0);
    expect(m.get(series('snapshotter_target_last_success_timestamp_seconds', 'keep'))).toBe(lastSuccess);
    expect(m.get(series('snapshotter_target_size_bytes', 'keep'))).toBe(keep.size_bytes);
    expect(m.get(series('snapshotter_target_backups', 'keep'))).toBe(1);
    // `other` was not selected: its lines are those of the first run.
    expect(m.get(series('snapshotter_target_success', 'other'))).toBe(1);

    const otherOnly = await run(config, '--target', 'other');
    expect(otherOnly.exitCode).toBe(0);
    m = readMetrics(metrics);
    expect(m.get(series('snapshotter_target_success', 'keep'))).toBe(0);
    expect(m.get(series('snapshotter_target_last_success_timestamp_seconds', 'keep'))).toBe(lastSuccess);
    expect(m.get(series('snapshotter_target_backups', 'other'))).toBe(2);
    expect(await promtoolCheck(metrics)).toEqual({ exitCode: 0, output: '' });

    // Without a previous file, the newest complete backup's manifest gives the time.
    rmSync(metrics);
    expect((await run(config, '--target', 'keep')).exitCode).toBe(1);
    const manifest = JSON.parse(readFileSync(join(dir, 'backups', 'keep', `${keep.artifact!}.json`), 'utf8')) as {
      finished_at: string;
    };
    m = readMetrics(metrics);
    expect(m.get(series('snapshotter_target_last_success_timestamp_seconds', 'keep'))).toBe(
      Date.parse(manifest.finished_at) / 1000,
    );
    expect(m.get(series('snapshotter_target_last_success_timestamp_seconds', 'other'))).toBeGreaterThan(lastSuccess);
  });
});
