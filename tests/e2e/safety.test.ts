// Data-safety rules end to end with the CLI: warnings in the manifest and on_warning: fail; secrets equal to names
// never hide backups; future-dated backups and foreign entries never mislead list, status, restore --latest or
// retention. The commands go through the CLI's main() in this process (tests/helpers/in-process.ts): what they do
// with the backups is the point, not the process.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStamp } from '../../src/archive/names.js';
import { startReceiver, type Receiver } from '../notify/receiver.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';
import { testWriter } from '../helpers/writer.js';
import { readMetrics, series } from '../ops/fixtures.js';

const DAY = 86_400_000;
const cli = (args: string[]) => mainInProcess([...args, '--log-level', 'warn']);
const tarOf = (dir: string): Buffer => execFileSync('tar', ['-c', '-C', dir, '.']);

interface Manifest {
  archive: string;
  target: { name: string };
  hostname: string;
  sha256: string;
  source: { paths: string[] };
  warnings: { code: string; message: string }[];
}

describe('warnings and secrets that equal names', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('records warnings in the manifest, masks only free text, and every command still sees the backups', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'data.txt'), 'precious\n');
    const metrics = join(dir, 'metrics.prom');
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      [
        `backup_dir: ${dir}/backups`,
        `hostname: postgres`,
        `metrics: { textfile: ${metrics} }`,
        `targets:`,
        `  - { name: backup, type: filesystem, paths: [${dir}/src], retention: { keep_last: 1 } }`,
        `  - { name: postgres, type: filesystem, paths: [${dir}/src, ${dir}/gone-postgres] }`,
        `notifications:`,
        `  webhooks:`,
        `    - { url: "${receiver.url}/hook", headers: { X-Token: backup, X-Db: postgres } }`,
      ].join('\n') + '\n',
    );
    const run = await cli(['run', '-c', config]);
    expect(run.exitCode, run.stderr).toBe(0);
    const manifestOf = (target: string): Manifest => {
      const folder = join(dir, 'backups', target);
      const name = readdirSync(folder).find((n) => n.endsWith('.tar.gz.json'))!;
      return JSON.parse(readFileSync(join(folder, name), 'utf8')) as Manifest;
    };
    const pg = manifestOf('postgres');
    expect(pg.archive).toMatch(/^postgres-\d{8}T\d{6}Z\.tar\.gz$/);
    expect([pg.target.name, pg.hostname]).toEqual(['postgres', 'postgres']);
    expect(pg.warnings).toEqual([{ code: 'missing_path', message: `${dir}/gone-*** does not exist; skipped` }]);
    expect(pg.source.paths).toEqual([`${dir}/src`, `${dir}/gone-***`]);
    expect(manifestOf('backup').archive).toMatch(/^backup-\d{8}T\d{6}Z\.tar\.gz$/);
    expect(readMetrics(metrics).get(series('snapshotter_target_warnings', 'postgres'))).toBe(1);
    expect(readMetrics(metrics).get(series('snapshotter_target_warnings', 'backup'))).toBe(0);

    const list = JSON.parse((await cli(['list', '-c', config, '--json'])).stdout) as { targets: { backups: unknown[] }[] };
    expect(list.targets.map((t) => t.backups.length)).toEqual([1, 1]);
    expect((await cli(['status', '-c', config, '--max-age', '1h'])).exitCode).toBe(0);
    expect((await cli(['verify', '--all', '-c', config])).exitCode).toBe(0);
    const restored = await cli(['restore', '--latest', '--target', 'backup', '-c', config, '--to', join(dir, 'out')]);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out', dir, 'src', 'data.txt'), 'utf8')).toBe('precious\n');
    const first = manifestOf('backup').archive;
    const second = await cli(['run', '-c', config, '--target', 'backup', '--json']);
    expect((JSON.parse(second.stdout) as { targets: { deleted: string[] }[] }).targets[0]!.deleted).toEqual([first]);
  });

  it('on_warning: fail turns a warned backup into a failed target that leaves nothing', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'data.txt'), 'x\n');
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ndefaults: { on_warning: fail }\ntargets:\n` +
        `  - { name: strict, type: filesystem, paths: [${dir}/src, ${dir}/missing] }\n`,
    );
    const run = await cli(['run', '-c', config, '--json']);
    expect(run.exitCode).toBe(1);
    const target = (JSON.parse(run.stdout) as { targets: { status: string; error: string }[] }).targets[0]!;
    expect(target.status).toBe('failure');
    expect(target.error).toContain('on_warning: fail');
    expect(readdirSync(join(dir, 'backups', 'strict'))).toEqual([]);
  });
});

describe('future-dated backups and foreign entries', () => {
  it('never count as the newest or blind a target: status, list, restore --latest and retention', async () => {
    const dir = tmpDir();
    const folder = join(dir, 'backups', 'files');
    mkdirSync(folder, { recursive: true });
    const now = Date.now();
    const write = async (time: number, content: string): Promise<string> => {
      const src = join(dir, `tree-${content}`);
      mkdirSync(src);
      writeFileSync(join(src, 'which.txt'), content);
      const writer = testWriter(folder, { now: () => new Date(time) });
      return (
        await writer.write({ format: 'tar', source: Readable.from([tarOf(src)]), describe: {}, finish: () => ({ entries: 2 }) })
      ).name;
    };
    const old = await write(now - 3 * DAY, 'old');
    const real = await write(now - DAY, 'real');
    const future = await write(Date.UTC(2031, 0, 1), 'future');
    const foreign = `files-${formatStamp(new Date(now - 5 * DAY))}.tar.gz`;
    writeFileSync(join(folder, foreign), 'not ours');
    writeFileSync(join(folder, `${foreign}.sha256`), `${'0'.repeat(64)}  ${foreign}\n`);
    mkdirSync(join(folder, `${foreign}.json`));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'which.txt'), 'new');
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src], retention: { keep_within: 36h } }\n`,
    );

    const status = await cli(['status', '-c', config, '--max-age', '12h', '--json']);
    expect(status.exitCode).toBe(1);
    const st = (JSON.parse(status.stdout) as { targets: { status: string; newest: { name: string }; future_dated: string[] }[] })
      .targets[0]!;
    expect([st.status, st.newest.name, st.future_dated]).toEqual(['stale', real, [future]]);

    const list = await cli(['list', '-c', config]);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${future}\\s.*future_dated`));
    expect(list.stdout).toContain(`${foreign}  not a backup: manifest ${foreign}.json is not a regular file`);

    const out = join(dir, 'out');
    const restored = await cli(['restore', '--latest', '--target', 'files', '-c', config, '--to', out]);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(readFileSync(join(out, 'which.txt'), 'utf8')).toBe('real');

    const run = await cli(['run', '-c', config, '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = (JSON.parse(run.stdout) as { targets: { deleted: string[]; warnings: { code: string }[] }[] }).targets[0]!;
    expect(result.deleted).toEqual([old]);
    expect(result.warnings.map((w) => w.code)).toContain('future_dated');
    const left = readdirSync(folder).filter((n) => n.endsWith('.tar.gz'));
    expect(left).toEqual(expect.arrayContaining([real, future, foreign]));
    expect(left).toHaveLength(4);
  });
});
