// Retention end to end: the built CLI makes real backups at controlled times (libfaketime), runs prune with a GFS
// policy, and we check the exact surviving set, dry runs, foreign files, failed runs and `status` exit codes.
// Each test stands alone: it starts from a fresh folder seeded with the backups it needs (written in-process).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { requireBinaries } from '../helpers/binaries.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';
import { testWriter } from '../helpers/writer.js';

/** libfaketime, found where Debian/Ubuntu put it (`/usr/lib/<arch>-linux-gnu/faketime/`) or other distributions do. */
const LIBFAKETIME = [
  ...readdirSync('/usr/lib').map((arch) => `/usr/lib/${arch}/faketime/libfaketime.so.1`),
  '/usr/lib/faketime/libfaketime.so.1',
  '/usr/lib64/faketime/libfaketime.so.1',
].find((path) => existsSync(path));
const enabled = requireBinaries('retention e2e (libfaketime, Debian package faketime)', { libfaketime: LIBFAKETIME });

/** Runs the CLI with its clock starting at `iso` (UTC), as cron would at that moment. */
function at(iso: string, args: string[]): Promise<CliResult> {
  const env = { LD_PRELOAD: LIBFAKETIME, FAKETIME: `@${iso.replace('T', ' ').replace('Z', '')}`, TZ: 'UTC' };
  return runCli([...args, '--log-level', 'warn'], { env });
}

const FOREIGN = ['notes.txt', 'files-20200101T000000Z.tar.gz', '.hidden', 'other-20200101T000000Z.tar.gz'];

describe.skipIf(!enabled)('retention end to end (libfaketime)', () => {
  let root: string;
  let dir: string;
  /** A config whose target has this retention (flow YAML) and reads `source`. */
  const config = (name: string, retention: string, extra = '', source = 'src'): string => {
    const file = join(root, name);
    writeFileSync(
      file,
      `backup_dir: ./backups\ntargets:\n  - name: files\n    type: filesystem\n    paths: [./${source}]\n    retention: ${retention}\n${extra}`,
    );
    return file;
  };
  const listing = (): string[] => readdirSync(dir).sort();
  const backupsOf = (names: readonly string[]): string[] => names.flatMap((n) => [n, `${n}.json`, `${n}.sha256`]);
  const made: Record<string, string> = {};

  beforeEach(() => {
    root = tmpDir('snapshotter-retention-');
    dir = join(root, 'backups', 'files');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'data.txt'), 'precious\n');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of FOREIGN) writeFileSync(join(dir, f), 'not a snapshotter backup\n');
    for (const key of Object.keys(made)) delete made[key];
  });

  /** Complete backups of src at these moments, as earlier runs would have left them. */
  async function seed(keys: (keyof typeof TIMES)[]): Promise<void> {
    const tar = execFileSync('tar', ['-cf', '-', '-C', root, 'src']);
    for (const key of keys) {
      const now = new Date(TIMES[key]);
      await testWriter(dir, { now: () => now }).write({
        format: 'tar',
        source: Readable.from([tar]),
        describe: {},
        finish: () => ({ entries: 2 }),
      });
      made[key] = `files-${TIMES[key].replace(/[-:]/g, '')}.tar.gz`;
    }
  }

  // keep_daily 2, keep_weekly 2, keep_monthly 3 across the 2020/2021 boundary (2020-12-28 … 2021-01-03 is 2020-W53).
  const GFS = '{ keep_daily: 2, keep_weekly: 2, keep_monthly: 3 }';
  const TIMES = {
    nov15: '2020-11-15T10:00:00Z', // Sunday, W46, November
    dec27: '2020-12-27T10:00:00Z', // Sunday, W52
    dec28: '2020-12-28T10:00:00Z', // Monday, W53
    dec31: '2020-12-31T10:00:00Z', // Thursday, W53
    jan01a: '2021-01-01T09:00:00Z', // Friday, W53, January
    jan01b: '2021-01-01T10:00:00Z',
  };

  it('runs at five moments, pruning after each by the GFS policy', async () => {
    const file = config('gfs.yaml', GFS);
    const deletedByRuns: string[] = [];
    for (const [key, time] of Object.entries(TIMES).slice(0, 5)) {
      const result = await at(time, ['run', '-c', file, '--json']);
      expect(result.exitCode, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { targets: { artifact: string; deleted: string[] }[] };
      made[key] = report.targets[0]!.artifact;
      expect(made[key]).toMatch(new RegExp(`^files-${time.slice(0, 10).replace(/-/g, '')}T\\d{6}Z\\.tar\\.gz$`));
      deletedByRuns.push(...report.targets[0]!.deleted);
    }
    // At 2021-01-01 09:00, 2020-12-28 lost its daily place (12-31, 01-01 are the two newest days) and its week.
    expect(deletedByRuns).toEqual([made.dec28]);
  });

  it('run --dry-run names exactly what the run at that moment deletes, and deletes nothing', async () => {
    await seed(['nov15', 'dec27', 'dec31', 'jan01a']); // what the five runs above leave
    const file = config('gfs.yaml', GFS);
    const before = listing();
    const dry = await at(TIMES.jan01b, ['run', '--dry-run', '-c', file]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(listing()).toEqual(before);
    const wouldDelete = [...dry.stdout.matchAll(/would delete (\S+)/g)].map((m) => m[1]);
    expect(wouldDelete).toEqual([made.jan01a]);
    expect(dry.stdout).toContain(`keep ${made.dec27}  (keep_weekly (2020-W52))`);
    expect(dry.stdout).toContain(`keep ${made.nov15}  (keep_monthly (2020-11))`);

    const result = await at(TIMES.jan01b, ['run', '-c', file, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { targets: { artifact: string; deleted: string[] }[] };
    made.jan01b = report.targets[0]!.artifact;
    expect(report.targets[0]!.deleted).toEqual(wouldDelete);
    // The exact survivors: monthly Nov, weekly W52, daily 12-31 (and monthly Dec), the newest; plus foreign files.
    expect(listing()).toEqual([...backupsOf([made.nov15!, made.dec27!, made.dec31!, made.jan01b]), ...FOREIGN].sort());
  });

  it('prune --dry-run names exactly what prune then deletes; foreign files survive both; prune waits for the lock', async () => {
    await seed(['nov15', 'dec27', 'dec31', 'jan01b']); // what the runs above leave
    const file = config('tight.yaml', '{ keep_last: 1, keep_monthly: 2 }');
    const before = listing();
    // A live run holds the lock: prune refuses (exit 3) and deletes nothing; the dry run needs no lock.
    const lockFile = join(root, 'backups', '.snapshotter.lock');
    writeFileSync(
      lockFile,
      JSON.stringify({ pid: process.pid, host: hostname(), started_at: new Date().toISOString(), nonce: 'test' }),
    );
    const locked = await at('2021-01-02T00:00:00Z', ['prune', '-c', file]);
    expect(locked.exitCode, locked.stderr).toBe(3);
    expect(locked.stderr).toContain('another run holds the lock');
    expect(listing()).toEqual(before);
    const dry = await at('2021-01-02T00:00:00Z', ['prune', '--dry-run', '-c', file]);
    rmSync(lockFile);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(listing()).toEqual(before);
    expect([...dry.stdout.matchAll(/would delete (\S+)/g)].map((m) => m[1])).toEqual([made.dec27, made.nov15]);
    expect(dry.stdout).toContain(`keep ${made.jan01b}  (keep_last, keep_monthly (2021-01))`);
    expect(dry.stdout).toContain(`not a complete backup, left alone: files-20200101T000000Z.tar.gz (no checksum sidecar)`);

    const prune = await at('2021-01-02T00:00:00Z', ['prune', '-c', file, '--json']);
    expect(prune.exitCode, prune.stderr).toBe(0);
    expect((JSON.parse(prune.stdout) as { targets: { deleted: string[] }[] }).targets[0]!.deleted).toEqual([
      made.dec27,
      made.nov15,
    ]);
    expect(listing()).toEqual([...backupsOf([made.dec31!, made.jan01b!]), ...FOREIGN].sort());
    expect(existsSync(join(root, 'backups', '.snapshotter.lock'))).toBe(false);
  });

  it('a failing backup run prunes nothing, whatever the policy', async () => {
    await seed(['dec31', 'jan01b']);
    const file = config('failing.yaml', '{ keep_last: 1 }', '', 'missing-folder');
    const before = listing();
    const result = await at('2021-02-01T00:00:00Z', ['run', '-c', file, '--json']);
    expect(result.exitCode).toBe(1);
    expect((JSON.parse(result.stdout) as { targets: { status: string; deleted: string[] }[] }).targets[0]).toMatchObject({
      status: 'failure',
      deleted: [],
    });
    expect(listing()).toEqual(before);
  });

  it('list shows the complete backups newest first; status exits 1 when stale or missing, 0 when fresh', async () => {
    await seed(['dec31', 'jan01b']); // what the prune above leaves
    const file = config('tight.yaml', '{ keep_last: 1, keep_monthly: 2 }');
    const list = await mainInProcess(['list', '-c', file, '--json']);
    expect(list.exitCode, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as { targets: { backups: { name: string; state: string; size_bytes: number }[] }[] };
    expect(listed.targets[0]!.backups.map((b) => b.name)).toEqual([made.jan01b, made.dec31]);
    expect(listed.targets[0]!.backups.every((b) => b.state === 'complete' && b.size_bytes > 0)).toBe(true);

    // Real clock now: the newest backup is from 2021.
    expect((await mainInProcess(['status', '-c', file, '--max-age', '26h'])).exitCode).toBe(1);
    const fresh = await mainInProcess(['status', '-c', file, '--max-age', '100000d', '--json']);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({
      ok: true,
      targets: [{ name: 'files', status: 'ok', newest: { name: made.jan01b } }],
    });
    // max_age from the config when no flag is given.
    const stale = await mainInProcess(['status', '-c', config('maxage.yaml', '{}', '    max_age: 26h\n')]);
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout).toMatch(/^STALE\s+files\s+/);
    // A target without any complete backup is not fresh either.
    writeFileSync(
      join(root, 'empty.yaml'),
      `backup_dir: ./nothing-here\ntargets:\n  - name: files\n    type: filesystem\n    paths: [./src]\n`,
    );
    const missing = await mainInProcess(['status', '-c', join(root, 'empty.yaml'), '--json']);
    expect(missing.exitCode).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, targets: [{ status: 'missing', newest: null }] });
  });
});
