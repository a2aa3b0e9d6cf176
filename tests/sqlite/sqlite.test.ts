// Target sqlite: a WAL database copied while a writer commits, verified by PRAGMA integrity_check, no temporary
// copy left behind, and restored into --to DIR with the same data.
import { execa } from 'execa';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const SQLITE3 = findBinary('sqlite3');
const run = requireBinaries('sqlite target', { sqlite3: SQLITE3 });
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
});
