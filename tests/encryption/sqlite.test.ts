// An encrypted SQLite backup keeps every decrypted byte off the disk: PRAGMA integrity_check needs a file, so an
// encrypted `.db` archive is checked in the stream instead (header, page size, page count), at backup time and by
// `verify --identity`, and the output says integrity_check did not run. The temp folder (TMPDIR) is watched during
// both runs and must see nothing; the stream check must fail a cut-off or altered database.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { structureCheck } from '../../src/targets/sqlite/structure.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const enabled = requireBinaries('encrypted sqlite test', {
  sqlite3: findBinary('sqlite3'),
  'age-keygen': findBinary('age-keygen'),
});

async function checkBytes(bytes: Buffer): Promise<string> {
  const check = structureCheck();
  await pipeline(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), check.sink);
  return check.result().then(
    () => 'sound',
    (error: Error) => error.message,
  );
}

describe.skipIf(!enabled)('an encrypted SQLite backup', () => {
  it('writes no decrypted copy to the temp folder at backup or verify time, and says integrity_check did not run', async () => {
    const dir = tmpDir();
    const temp = join(dir, 'tmp');
    mkdirSync(temp);
    const db = join(dir, 'app.db');
    execFileSync('sqlite3', [db, "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('SECRET-ROW-7f3a');"]);
    const key = join(dir, 'key.txt');
    execFileSync('age-keygen', ['-o', key], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', key], { encoding: 'utf8' }).trim();
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ndefaults: { encryption: { age_recipients: [${recipient}] } }\n` +
        `targets:\n  - { name: app, type: sqlite, path: ${db} }\n`,
    );
    const created: string[] = [];
    const watcher = watch(temp, (_event, name) => created.push(String(name)));
    const env = { TMPDIR: temp, XDG_CACHE_HOME: join(dir, 'cache') };
    try {
      const run = await runCli(['run', '-c', config], { env });
      expect(run.exitCode, run.stderr).toBe(0);
      const archive = join(
        dir,
        'backups',
        'app',
        readdirSync(join(dir, 'backups', 'app')).find((n) => n.endsWith('.db.gz.age'))!,
      );
      const verify = await runCli(['verify', '--identity', key, archive], { env });
      expect(verify.exitCode, verify.stderr).toBe(0);
      expect(verify.stdout).toContain('decrypted and checked');
      expect(verify.stdout).toContain('PRAGMA integrity_check not run');
    } finally {
      watcher.close();
    }
    expect(created).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);

    const bytes = readFileSync(db);
    expect(await checkBytes(bytes)).toBe('sound');
    expect(await checkBytes(bytes.subarray(0, bytes.length - 100))).toMatch(/not a whole number of .*pages/);
    const magic = Buffer.from(bytes);
    magic[3]! ^= 1;
    expect(await checkBytes(magic)).toMatch(/no SQLite header/);
    const pageType = Buffer.from(bytes);
    pageType[100] = 0x02;
    expect(await checkBytes(pageType)).toMatch(/page 1 is not a table b-tree page/);
  });
});
