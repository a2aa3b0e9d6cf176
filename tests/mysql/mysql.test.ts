// Target mysql against a real MariaDB: local client and docker exec (the stand-in), the password only in the
// child's environment, the closing-line check in verify, and a restore into a second fresh server that matches.
import { execa } from 'execa';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { dockerCalls, runEnv } from '../postgres/harness.js';
import { MARIADB_BINARIES, startMariadb, type MariaServer } from './server.js';

const PASSWORD = 'My-s3cret-Qx81z';
const run = requireBinaries('mysql target', MARIADB_BINARIES);

const SETUP = `
CREATE USER 'backup'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';
GRANT ALL ON *.* TO 'backup'@'127.0.0.1' WITH GRANT OPTION;`;
const DATA = `
CREATE DATABASE shop DEFAULT CHARSET utf8mb4;
USE shop;
CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(100), photo BLOB) DEFAULT CHARSET utf8mb4;
INSERT INTO shop.items VALUES (1, 'Grüße aus Köln 😀', UNHEX('00FF0D0A1A27225C')), (2, '日本語', NULL);
INSERT INTO shop.items SELECT seq + 2, CONCAT('item ', seq, ' ü'), UNHEX(SHA2(seq, 256)) FROM seq_1_to_500;
CREATE TRIGGER shop.up BEFORE UPDATE ON shop.items FOR EACH ROW SET NEW.name = NEW.name;`;
const FINGERPRINT = 'SELECT id, HEX(name), HEX(photo) FROM shop.items ORDER BY id';

describe.runIf(run)('target mysql (real MariaDB)', () => {
  let source: MariaServer;
  let fresh: MariaServer;

  beforeAll(async () => {
    [source, fresh] = await Promise.all([startMariadb(), startMariadb()]);
    await Promise.all([source.sql(SETUP + DATA), fresh.sql(SETUP)]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([source?.stop(), fresh?.stop()]);
  });

  function config(dir: string): string {
    const file = join(dir, 'snapshotter.yaml');
    writeFileSync(
      file,
      [
        `backup_dir: ${join(dir, 'backups')}`,
        'targets:',
        '  - name: db',
        '    type: mysql',
        '    host: 127.0.0.1',
        `    port: ${source.port}`,
        '    user: backup',
        '    password: ${MYSQL_TEST_PASSWORD}',
        '  - name: db-docker',
        '    type: mysql',
        '    container: maria',
        '    host: 127.0.0.1',
        `    port: ${source.port}`,
        '    user: backup',
        '    password: ${MYSQL_TEST_PASSWORD}',
        '  - name: fresh',
        '    type: mysql',
        '    container: maria',
        '    host: 127.0.0.1',
        `    port: ${fresh.port}`,
        '    user: backup',
        '    password: ${MYSQL_TEST_PASSWORD}',
      ].join('\n') + '\n',
      { mode: 0o600 },
    );
    return file;
  }

  it('dumps locally and through docker exec, verifies, and restores into a fresh server identically', async () => {
    const dir = tmpDir();
    const file = config(dir);
    const env = { ...runEnv(dir, { maria: { state: 'running' } }), MYSQL_TEST_PASSWORD: PASSWORD, MYSQL_PWD: undefined };
    const backup = await runCli(['run', '-c', file, '--target', 'db', '--target', 'db-docker', '--json'], { env });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const report = JSON.parse(backup.stdout) as { targets: { name: string; artifact: string }[] };
    const archives = report.targets.map((t) => join(dir, 'backups', t.name, t.artifact));
    for (const archive of archives) {
      expect(archive).toMatch(/-\d{8}T\d{6}Z\.sql\.gz$/);
      const folder = join(archive, '..');
      await execa('sha256sum', ['-c', `${archive.split('/').at(-1)}.sha256`], { cwd: folder });
      const dump = Buffer.from((await execa('gzip', ['-dc', archive], { encoding: 'buffer' })).stdout).toString('utf8');
      expect(dump).toContain('Grüße aus Köln 😀');
      expect(dump.trimEnd().split('\n').at(-1)).toMatch(/^-- Dump completed/);
      for (const name of readdirSync(folder)) expect(readFileSync(join(folder, name)).includes(PASSWORD), name).toBe(false);
    }
    expect(backup.stdout + backup.stderr).not.toContain(PASSWORD);
    // docker mode: the password by name only (`-e MYSQL_PWD`), mariadb-dump with the documented options.
    const call = dockerCalls(dir)[0]!;
    expect(call.argv.join(' ')).not.toContain(PASSWORD);
    expect(call.argv.slice(0, 9)).toEqual([
      'exec',
      '-e',
      'MYSQL_PWD',
      'maria',
      'mariadb-dump',
      '--all-databases',
      '--single-transaction',
      '--routines',
      '--events',
    ]);

    // A truncated copy (no closing line) beside the real manifest fails verify; the real one passes.
    const cut = join(dir, 'backups', 'db', 'db-20200101T000000Z.sql.gz');
    const gz = gzipSync('-- MariaDB dump\nCREATE DATABASE x;\n');
    writeFileSync(cut, gz);
    const verify = await runCli(['verify', archives[0]!, cut], { env });
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toMatch(/^OK {3}.*db-\d{8}T\d{6}Z\.sql\.gz/m);
    expect(verify.stdout).toMatch(/lacks .*closing line "-- Dump completed"/);

    const restore = await runCli(['restore', archives[1]!, '--target', 'fresh', '--yes', '-c', file], { env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(restore.stdout + restore.stderr).not.toContain(PASSWORD);
    expect(dockerCalls(dir).at(-1)!.argv.slice(0, 5)).toEqual(['exec', '-i', '-e', 'MYSQL_PWD', 'maria']);
    const original = await source.sql(FINGERPRINT);
    expect(original.split('\n')).toHaveLength(502);
    expect(await fresh.sql(FINGERPRINT)).toBe(original);
    expect(await fresh.sql('SHOW TRIGGERS FROM shop')).toMatch(/\bup\b/);
  }, 300_000);
});
