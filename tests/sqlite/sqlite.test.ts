// Target sqlite: a WAL database copied while a writer commits, verified by PRAGMA integrity_check, no temporary
// copy left behind, and restored into --to DIR with the same data.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { currentOwner, ownerTag } from '../../src/archive/temp-owner.js';
import { ramCopyPlace, ramRoot } from '../../src/targets/sqlite/copy-place.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli, startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { whenDir } from '../helpers/watch.js';

const SQLITE3 = findBinary('sqlite3');
const run = requireBinaries('sqlite target', {
  sqlite3: SQLITE3,
  age: findBinary('age'),
  'age-keygen': findBinary('age-keygen'),
});
const sql = async (db: string, text: string): Promise<string> => (await execa(SQLITE3!, ['-bail', db, text])).stdout;
const FIXED = 'SELECT id, hex(name), hex(data) FROM items ORDER BY id';

describe.runIf(run)('target sqlite (real sqlite3)', () => {
  it('copies a WAL database while a writer commits, verifies it, and restores it intact', async () => {
    const dir = tmpDir();
    const db = join(dir, 'app.db');
    await sql(
      db,
      `PRAGMA journal_mode=WAL;
       CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, data BLOB);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
       INSERT INTO items SELECT i, 'Grüße ' || i || ' 日本語 😀', randomblob(200) FROM n;
       CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT);`,
    );
    const fixed = await sql(db, FIXED);
    // The writer commits one row per statement until its stdin closes.
    const writer = execa(SQLITE3!, [db], { input: undefined, stdin: 'pipe', reject: false });
    writer.stdin.write('PRAGMA busy_timeout=10000;\n');
    let writing = true;
    const pump = (async () => {
      for (let i = 0; writing; i += 1) {
        const ok = writer.stdin.write(`INSERT INTO events (at) VALUES ('e${i}');\n`);
        if (!ok) await new Promise((resolve) => writer.stdin.once('drain', resolve));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Wait until the writer's commits are visible (an observed event) before backing up.
    while (Number(await sql(db, 'SELECT count(*) FROM events')) === 0) await new Promise((r) => setTimeout(r, 20));
    const before = Number(await sql(db, 'SELECT count(*) FROM events'));

    const file = join(dir, 'snapshotter.yaml');
    writeFileSync(file, `backup_dir: ${join(dir, 'backups')}\ntargets:\n  - name: app\n    type: sqlite\n    path: app.db\n`);
    const backup = await runCli(['run', '-c', file, '--json']);
    const after = Number(await sql(db, 'SELECT count(*) FROM events'));
    writing = false;
    await pump;
    writer.stdin.end();
    await writer;
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(after).toBeGreaterThan(before);

    const folder = join(dir, 'backups', 'app');
    const names = readdirSync(folder).sort();
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(/^app-\d{8}T\d{6}Z\.db\.gz$/);
    const archive = join(folder, names[0]!);
    await execa('sha256sum', ['-c', `${names[0]}.sha256`], { cwd: folder });
    const verify = await runCli(['verify', archive]);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);

    const to = join(dir, 'restored');
    const restore = await runCli(['restore', archive, '--to', to]);
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(readdirSync(to)).toEqual(['app.db']);
    const restored = join(to, 'app.db');
    expect(await sql(restored, 'PRAGMA integrity_check')).toBe('ok');
    expect(await sql(restored, FIXED)).toBe(fixed);
    const copied = Number(await sql(restored, 'SELECT count(*) FROM events'));
    expect(copied).toBeGreaterThanOrEqual(before);
    expect(copied).toBeLessThanOrEqual(after);
    // Rows are whole transactions in order: the copy holds exactly e0..e(copied-1).
    expect(await sql(restored, 'SELECT max(id), min(at), count(DISTINCT at) FROM events')).toBe(`${copied}|e0|${copied}`);
  }, 120_000);

  it('encrypted: makes the consistent copy in RAM, never next to the archive, and removes it', async () => {
    const dir = tmpDir();
    const db = join(dir, 'app.db');
    await sql(db, `CREATE TABLE secrets (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO secrets (v) VALUES ('Grüße 日本語');`);
    execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', join(dir, 'key.txt')], { encoding: 'utf8' }).trim();
    // A sqlite3 stand-in: the real sqlite3; after the online backup it records where the copy went and holds until
    // released, so the test looks at the copy while it exists.
    const gate = join(dir, 'gate');
    mkdirSync(gate);
    execFileSync('mkfifo', [join(gate, 'release')]);
    const wrapper = join(dir, 'sqlite3-gated');
    writeFileSync(
      wrapper,
      `#!/bin/bash\n"${SQLITE3}" "$@" || exit $?\ncase "$3" in .backup*) printf '%s' "$3" > "${gate}/args"; ` +
        `touch "${gate}/copied"; read -r _ < "${gate}/release";; esac\n`,
    );
    chmodSync(wrapper, 0o755);
    const file = join(dir, 'snapshotter.yaml');
    writeFileSync(
      file,
      `backup_dir: ${join(dir, 'backups')}\ntargets:\n  - { name: app, type: sqlite, path: app.db, sqlite3_command: ${wrapper}, ` +
        `encryption: { age_recipients: [${recipient}] } }\n`,
    );
    // The temp folder is on disk here: the copy must not go there either.
    const run = startCli(['run', '-c', file], { env: { TMPDIR: dir } });
    const exited = run.then(
      () => undefined,
      () => undefined,
    );
    await whenDir(gate, () => existsSync(join(gate, 'copied')), exited);
    const copy = /^\.backup '(.*)'$/.exec(readFileSync(join(gate, 'args'), 'utf8'))![1]!;
    expect(copy.startsWith(dir)).toBe(false);
    expect(statfsSync(copy).type).toBe(0x01021994); // tmpfs
    expect(readFileSync(copy).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    writeFileSync(join(gate, 'release'), 'go\n');
    const result = await run;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(existsSync(copy)).toBe(false);
    const folder = join(dir, 'backups', 'app');
    const archive = join(
      folder,
      readdirSync(folder).find((n) => n.endsWith('.db.gz.age'))!,
    );
    const restored = join(dir, 'restored.db');
    writeFileSync(restored, gunzipSync(execFileSync('age', ['-d', '-i', join(dir, 'key.txt'), archive])));
    expect(await sql(restored, 'SELECT v FROM secrets')).toBe('Grüße 日本語');
  }, 60_000);

  it("encrypted: with no RAM-backed folder that has room, says so and writes nothing; removes a crashed run's copy", async () => {
    const dir = tmpDir();
    const onDisk = await ramRoot(join(dir, 'absent.db'), [dir]);
    expect(onDisk).toEqual({ problem: expect.stringContaining(`${dir} is not in RAM`) as unknown });
    expect((onDisk as { problem: string }).problem).toContain('back this database up unencrypted');
    expect(readdirSync(dir)).toEqual([]);
    // A copy folder whose process is gone (SIGKILL mid-backup) is removed by the next run of that target.
    const shm = '/dev/shm';
    const stale = join(shm, `.sweep-${process.pid}.db.snapshotter-tmp-${ownerTag({ ...currentOwner(), pid: 4_000_000 })}-x`);
    mkdirSync(stale);
    writeFileSync(join(stale, 'copy.db'), 'SQLite format 3\0');
    const place = await ramCopyPlace(`sweep-${process.pid}`, join(dir, 'absent.db'), [shm]);
    expect(existsSync(stale)).toBe(false);
    await place.remove();
  });
});
