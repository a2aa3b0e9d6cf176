import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';
import { startPrometheus, type TestPrometheus } from './server.js';

const STAND_IN_DIR = fileURLToPath(new URL('../fixtures/prometheus/', import.meta.url));
const STATE_FILE = '.prometheus-snapshots.json';
// The runs go through the CLI's main() in this process (tests/helpers/in-process.ts): what a run does to Prometheus
// and its data is the point, not the process; the prometheus type's runs through the built CLI are
// tests/conformance/prometheus.test.ts.
const binaries = { prometheus: findBinary('prometheus'), promtool: findBinary('promtool'), tar: findBinary('tar') };
const enabled = requireBinaries('prometheus target tests', binaries);

interface Report {
  targets: { name: string; status: string; error: string | null; artifact: string | null; details: Record<string, unknown> }[];
}

/** The one complete archive of a target and its manifest's snapshot name. */
function archiveOf(backupDir: string, target: string): { path: string; snapshot: string } {
  const dir = join(backupDir, target);
  const archives = readdirSync(dir).filter((n) => n.endsWith('.tar.gz'));
  expect(archives).toHaveLength(1);
  const path = join(dir, archives[0]!);
  const manifest = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { source: { snapshot: string } };
  return { path, snapshot: manifest.source.snapshot };
}

/** Extracts with GNU tar and returns what `promtool tsdb list` reads: the series count of each block. */
function seriesPerBlock(archive: string, snapshot: string): number[] {
  const out = tmpDir();
  execFileSync('tar', ['-xzf', archive, '-C', out]);
  expect(readdirSync(out)).toEqual([snapshot]);
  const listing = execFileSync(binaries.promtool!, ['tsdb', 'list', join(out, snapshot)], { encoding: 'utf8' });
  const [header, ...rows] = listing.trim().split('\n');
  const column = header!.split(/\s{2,}|\t/).findIndex((h) => h.trim() === 'NUM SERIES');
  expect(column).toBeGreaterThan(0);
  return rows.map((row) => Number(row.trim().split(/\s{2,}|\t/)[column]));
}

function snapshotsIn(dataDir: string): string[] {
  return existsSync(join(dataDir, 'snapshots')) ? readdirSync(join(dataDir, 'snapshots')).sort() : [];
}

async function makeSnapshot(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
  return ((await res.json()) as { data: { name: string } }).data.name;
}

function writeConfig(dir: string, targets: string): string {
  const file = join(dir, 'snapshotter.yaml');
  writeFileSync(file, `backup_dir: ${dir}/backups\ntargets:\n${targets}`);
  return file;
}

describe.skipIf(!enabled)('target prometheus (real Prometheus)', () => {
  let admin: TestPrometheus;
  let locked: TestPrometheus;

  beforeAll(async () => {
    [admin, locked] = await Promise.all([
      startPrometheus(binaries.prometheus!, { admin: true }),
      startPrometheus(binaries.prometheus!, { admin: false, samples: 1 }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([admin?.stop(), locked?.stop()]);
  });

  it('archives a snapshot whose blocks promtool reads, and removes it from the data dir', async () => {
    const dir = tmpDir();
    const config = writeConfig(
      dir,
      `  - name: metrics\n    type: prometheus\n    url: ${admin.url}\n    data_dir: ${admin.dataDir}\n`,
    );
    const result = await mainInProcess(['run', '-c', config, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const { path, snapshot } = archiveOf(join(dir, 'backups'), 'metrics');
    const report = JSON.parse(result.stdout) as Report;
    expect(report.targets[0]!.details.snapshot_name).toBe(snapshot);
    const series = seriesPerBlock(path, snapshot);
    expect(series.length).toBeGreaterThan(0);
    expect(Math.max(...series)).toBeGreaterThan(0);
    execFileSync('sha256sum', ['-c', `${path}.sha256`], { cwd: dirname(path) });
    expect(snapshotsIn(admin.dataDir)).toEqual([]);
    expect(existsSync(join(dir, 'backups', 'metrics', STATE_FILE))).toBe(false);
  });

  it('fails with the flag to set when the admin API is off; another target still succeeds (exit 2)', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files', 'a.txt'), 'a\n');
    const config = writeConfig(
      dir,
      `  - name: metrics\n    type: prometheus\n    url: ${locked.url}\n    data_dir: ${locked.dataDir}\n` +
        `  - name: files\n    type: filesystem\n    paths: [${dir}/files]\n`,
    );
    const result = await mainInProcess(['run', '-c', config, '--json']);
    expect(result.exitCode, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout) as Report;
    const metrics = report.targets.find((t) => t.name === 'metrics')!;
    expect(metrics.status).toBe('failure');
    expect(metrics.error).toContain(
      `the admin API of Prometheus at ${locked.url} is disabled: start Prometheus with --web.enable-admin-api`,
    );
    expect(report.targets.find((t) => t.name === 'files')!.status).toBe('success');
    expect(snapshotsIn(locked.dataDir)).toEqual([]);
  });

  it('removes the snapshot a crashed run recorded, never one a person made', async () => {
    const dir = tmpDir();
    const crashed = await makeSnapshot(admin.url);
    const manual = await makeSnapshot(admin.url);
    mkdirSync(join(dir, 'backups', 'metrics'), { recursive: true });
    writeFileSync(
      join(dir, 'backups', 'metrics', STATE_FILE),
      JSON.stringify({
        version: 1,
        snapshots: [{ name: crashed, data_dir: admin.dataDir, created_at: new Date().toISOString() }],
      }),
    );
    try {
      const config = writeConfig(
        dir,
        `  - name: metrics\n    type: prometheus\n    url: ${admin.url}\n    data_dir: ${admin.dataDir}\n`,
      );
      const result = await mainInProcess(['run', '-c', config, '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as Report).targets[0]!.details.leftover_snapshots_removed).toEqual([crashed]);
      expect(snapshotsIn(admin.dataDir)).toEqual([manual]);
      expect(existsSync(join(dir, 'backups', 'metrics', STATE_FILE))).toBe(false);
    } finally {
      await rm(join(admin.dataDir, 'snapshots', manual), { recursive: true, force: true });
    }
  });

  it('container mode streams `docker cp` and removes the snapshot with `docker exec`', async () => {
    const dir = tmpDir();
    const argvLog = join(dir, 'docker-argv.log');
    const config = writeConfig(
      dir,
      `  - name: metrics\n    type: prometheus\n    url: ${admin.url}\n    container: prom-1\n    data_dir: ${admin.dataDir}\n`,
    );
    const result = await mainInProcess(['run', '-c', config], {
      PATH: `${STAND_IN_DIR}:${process.env.PATH ?? ''}`,
      DOCKER_ARGV_LOG: argvLog,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const { path, snapshot } = archiveOf(join(dir, 'backups'), 'metrics');
    const where = join(admin.dataDir, 'snapshots', snapshot);
    expect(readFileSync(argvLog, 'utf8').trim().split('\n')).toEqual([
      ['cp', `prom-1:${where}`, '-'].join('\t'),
      ['exec', 'prom-1', 'rm', '-rf', where].join('\t'),
    ]);
    expect(Math.max(...seriesPerBlock(path, snapshot))).toBeGreaterThan(0);
    expect(snapshotsIn(admin.dataDir)).toEqual([]);
  });

  it('checks data_dir against the --storage.tsdb.path Prometheus reports: the dry run names both, the run makes no snapshot', async () => {
    const dir = tmpDir();
    const wrong = join(dir, 'not-the-tsdb');
    mkdirSync(join(wrong, 'wal'), { recursive: true }); // looks like a TSDB, but not the one Prometheus writes
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const config = writeConfig(
      dir,
      `  - name: wrong\n    type: prometheus\n    url: ${admin.url}\n    data_dir: ${wrong}\n` +
        `  - name: empty\n    type: prometheus\n    url: ${admin.url}\n    data_dir: ${empty}\n`,
    );
    const mismatch = `Prometheus reports --storage.tsdb.path=${admin.dataDir}, but data_dir is ${wrong}`;
    const plan = await mainInProcess(['run', '--dry-run', '-c', config]);
    expect(plan.exitCode).not.toBe(0);
    expect(plan.stdout + plan.stderr).toContain(mismatch);
    const before = snapshotsIn(admin.dataDir);
    const result = await mainInProcess(['run', '-c', config, '--json', '--log-level', 'debug']);
    expect(result.exitCode, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    // Refused before POST snapshot: Prometheus' snapshots folder is as it was, and no line claims a removal.
    expect(snapshotsIn(admin.dataDir)).toEqual(before);
    expect(result.stderr).not.toContain('snapshot removed');
    const wrongError = report.targets.find((t) => t.name === 'wrong')!.error;
    expect(wrongError).toContain(mismatch);
    expect(wrongError).toContain('no snapshot was made');
    expect(report.targets.find((t) => t.name === 'empty')!.error).toContain(
      `data_dir ${empty} does not look like a Prometheus TSDB`,
    );
  });

  it('dry run: checks Prometheus and its admin API read-only and shows the paths', async () => {
    const dir = tmpDir();
    const config = writeConfig(
      dir,
      `  - name: on\n    type: prometheus\n    url: ${admin.url}\n    data_dir: ${admin.dataDir}\n` +
        `  - name: off\n    type: prometheus\n    url: ${locked.url}\n    data_dir: ${locked.dataDir}\n`,
    );
    const result = await mainInProcess(['run', '-c', config, '--dry-run']);
    expect(result.exitCode, result.stdout).toBe(1);
    expect(result.stdout).toContain(`Prometheus at ${admin.url} answers; admin API enabled`);
    expect(result.stdout).toContain(`read ${admin.dataDir}/snapshots/<snapshot> (data_dir exists)`);
    expect(result.stdout).toContain('admin API DISABLED');
    expect(result.stdout).toContain('start Prometheus with --web.enable-admin-api');
    expect(snapshotsIn(admin.dataDir)).toEqual([]);
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });
});
