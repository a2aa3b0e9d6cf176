// Per-database PostgreSQL backups and the restore options, against two real servers: `databases: all` (pg_dump -Fc
// per database + globals in one .tar) read back by GNU tar and verify; restore of one database (--database, --jobs)
// and of a whole pg_dumpall dump into another server (--host/--port) whose roles already exist, with nothing but our
// own line on stdout; os_user for a server that only allows peer authentication on its socket.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOsUser } from '../../src/targets/postgres/commands.js';
import { PostgresTarget } from '../../src/targets/postgres/schema.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli, startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { whenDir } from '../helpers/watch.js';
import { PASSWORD, runEnv } from './harness.js';
import { clusterRoot, initTemplate, pgBinaries, startCluster, type PgCluster } from './pg-server.js';

const bins = pgBinaries();
const asRoot = process.getuid?.() === 0;
const enabled = requireBinaries('postgres per-database tests', {
  ...bins,
  tar: findBinary('tar'),
  sha256sum: findBinary('sha256sum'),
  age: findBinary('age'),
  'age-keygen': findBinary('age-keygen'),
  ...(asRoot ? { runuser: findBinary('runuser') } : {}),
});

const SEED = `
CREATE ROLE app_owner LOGIN PASSWORD 'app-owner-pw';
CREATE DATABASE app OWNER app_owner;
CREATE DATABASE shop;
\\connect app
SET ROLE app_owner;
CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, photo bytea);
INSERT INTO people SELECT g, 'Zoë Ångström 日本語 🐘 ' || g, sha256(g::text::bytea) FROM generate_series(1, 3000) g;
\\connect shop
CREATE TABLE items (id int PRIMARY KEY, name text, blob bytea);
INSERT INTO items SELECT g, 'item ' || g || ' ß ✓', decode(md5(g::text), 'hex') FROM generate_series(1, 3000) g;
CREATE SEQUENCE counter;
SELECT nextval('counter');
`;
const PEOPLE = `SELECT count(*), md5(string_agg(id || ':' || name || ':' || encode(photo, 'hex'), ',' ORDER BY id)),
  pg_get_userbyid((SELECT relowner FROM pg_class WHERE relname = 'people')) FROM people`;
const ITEMS = `SELECT count(*), md5(string_agg(id || ':' || name || ':' || encode(blob, 'hex'), ',' ORDER BY id)) FROM items`;

describe.skipIf(!enabled)('target postgres: databases, restore options, os_user', () => {
  const pgBin = dirname(bins.initdb ?? '');
  let base: string;
  let source: PgCluster;
  let fresh: PgCluster;

  beforeAll(async () => {
    base = mkdtempSync(join(clusterRoot(), 'snapshotter-pg-perdb-'));
    const template = await initTemplate(base, pgBin, PASSWORD);
    [source, fresh] = await Promise.all([
      // The source's socket takes peer authentication only: the os_user case.
      startCluster(base, pgBin, template, 'source', PASSWORD, ['local all all peer']),
      startCluster(base, pgBin, template, 'fresh', PASSWORD),
    ]);
    await source.sql('postgres', SEED);
    // The replacement server already has the application's role: a plain restore must not stop at CREATE ROLE.
    await fresh.sql('postgres', 'CREATE ROLE app_owner;');
  });

  afterAll(async () => {
    await Promise.all([source, fresh].filter(Boolean).map((cluster) => cluster.stop()));
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('dumps every database into one .tar, restores a whole dump and one database into another server', async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'pw'), PASSWORD, { mode: 0o600 });
    const config = join(dir, 'snapshotter.yaml');
    const local = `host: 127.0.0.1, port: ${source.port}, password_file: ${dir}/pw`;
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n` +
        `  - { name: cluster, type: postgres, container: pg-source, password_file: ${dir}/pw }\n` +
        `  - { name: perdb, type: postgres, databases: all, ${local} }\n` +
        (asRoot
          ? `  - { name: peer, type: postgres, os_user: postgres, host: ${source.socketDir}, port: ${source.port}, databases: [shop] }\n` +
            `  - { name: peer-as-root, type: postgres, host: ${source.socketDir}, port: ${source.port} }\n`
          : ''),
      { mode: 0o600 },
    );
    const env = runEnv(dir, { 'pg-source': { env: { PGHOST: '127.0.0.1', PGPORT: String(source.port) } } }, pgBin);

    const dry = await runCli(['run', '--dry-run', '-c', config, '--target', 'perdb'], { env });
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('databases: app, postgres, shop');
    expect(dry.stdout).toContain('--format custom --dbname shop');

    const run = await runCli(['run', '--json', '-c', config], { env });
    const report = JSON.parse(run.stdout) as { targets: { name: string; status: string; error?: string }[] };
    const status = Object.fromEntries(report.targets.map((t) => [t.name, t]));
    expect(status.cluster!.status, run.stderr).toBe('success');
    expect(status.perdb!.status, run.stderr).toBe('success');
    if (asRoot) {
      expect(status.peer!.status, status.peer!.error).toBe('success');
      // Without os_user, root is refused by peer authentication: the os_user run above did not pass by accident.
      expect(status['peer-as-root']!.error).toMatch(/Peer authentication failed/);
    }

    const folder = join(dir, 'backups', 'perdb');
    const names = readdirSync(folder);
    const archive = join(
      folder,
      names.find((n) => n.endsWith('.tar'))!,
    );
    expect(names.filter((n) => !n.startsWith('perdb-'))).toEqual([]); // no temporary dump left behind
    const members = (await execa('tar', ['-tf', archive])).stdout.split('\n');
    expect(members).toEqual(['globals.sql', 'databases/app.dump', 'databases/postgres.dump', 'databases/shop.dump']);
    const magic = await execa('tar', ['-xOf', archive, 'databases/app.dump'], { encoding: 'buffer' });
    expect(Buffer.from(magic.stdout).subarray(0, 5).toString('latin1')).toBe('PGDMP');
    await execa('sha256sum', ['-c', `${archive}.sha256`], { cwd: folder });
    const verify = await runCli(['verify', '--all', '-c', config], { env });
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);

    // The whole-cluster dump into the other server (--host/--port), whose role app_owner exists already.
    const clusterArchive = join(
      dir,
      'backups',
      'cluster',
      readdirSync(join(dir, 'backups', 'cluster')).find((n) => n.endsWith('.sql.gz'))!,
    );
    const into = ['--host', '127.0.0.1', '--port', String(fresh.port)];
    const whole = await runCli(['restore', clusterArchive, '--target', 'cluster', '--yes', ...into, '-c', config], { env });
    expect(whole.exitCode, whole.stderr).toBe(0);
    // Only our own line: psql's query results (set_config, setval) are not shown.
    expect(whole.stdout).toMatch(/^restored cluster-\d{8}T\d{6}Z\.sql\.gz into target "cluster" \(postgres\)$/);
    expect(await fresh.sql('app', PEOPLE)).toBe(await source.sql('app', PEOPLE));
    expect(await fresh.sql('shop', ITEMS)).toBe(await source.sql('shop', ITEMS));

    // One database from the per-database archive: without --database it names what the archive holds.
    const which = await runCli(['restore', archive, '--target', 'perdb', '--yes', ...into, '-c', config], { env });
    expect(which.exitCode).toBe(1);
    expect(which.stderr).toContain('holds the databases "app", "postgres", "shop": choose one with --database NAME');
    await fresh.sql('postgres', 'DROP DATABASE app;');
    const one = await runCli(
      ['restore', archive, '--target', 'perdb', '--database', 'app', '--jobs', '2', '--yes', ...into, '-c', config],
      { env },
    );
    expect(one.exitCode, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^restored perdb-\d{8}T\d{6}Z\.tar into target "perdb" \(postgres\)$/);
    expect(await fresh.sql('app', PEOPLE)).toBe(await source.sql('app', PEOPLE));
    expect(readdirSync(folder).filter((n) => !n.startsWith('perdb-'))).toEqual([]); // the --jobs file is gone
    // One job (the default): the dump streams from the archive straight into pg_restore, no file.
    await fresh.sql('postgres', 'DROP DATABASE shop;');
    const streamed = await runCli(
      ['restore', archive, '--target', 'perdb', '--database', 'shop', '--yes', ...into, '-c', config],
      {
        env,
      },
    );
    expect(streamed.exitCode, streamed.stderr).toBe(0);
    expect(await fresh.sql('shop', ITEMS)).toBe(await source.sql('shop', ITEMS));
    expect(`${run.stdout}${run.stderr}${whole.stdout}${whole.stderr}${one.stderr}`).not.toContain(PASSWORD);
  }, 240_000);

  it('keeps no plaintext of a dump on disk while it waits to be packed, and packs it byte for byte', async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'pw'), PASSWORD, { mode: 0o600 });
    execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', join(dir, 'key.txt')], { encoding: 'utf8' }).trim();
    // A pg_dump stand-in: the real pg_dump, a copy of what it printed for the test, then it holds until released,
    // so the dump lies complete in its temporary file while the test reads that file.
    const gate = join(dir, 'gate');
    mkdirSync(join(dir, 'bin'));
    mkdirSync(gate);
    execFileSync('mkfifo', [join(gate, 'release')]);
    const wrapper = join(dir, 'bin', 'pg_dump');
    writeFileSync(
      wrapper,
      `#!/bin/bash\nset -o pipefail\n"${pgBin}/pg_dump" "$@" | tee "${gate}/plain"; rc=$?\nexec >&-\n` +
        `touch "${gate}/dumped"\nread -r _ < "${gate}/release"\nexit $rc\n`,
    );
    chmodSync(wrapper, 0o755);
    const config = join(dir, 'snapshotter.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n` +
        `  - { name: sealed, type: postgres, databases: [app], host: 127.0.0.1, port: ${source.port}, ` +
        `password_file: ${dir}/pw, encryption: { age_recipients: [${recipient}] } }\n`,
      { mode: 0o600 },
    );
    const run = startCli(['run', '-c', config], { env: runEnv(dir, {}, `${dir}/bin:${pgBin}`) });
    const exited = run.then(
      () => undefined,
      () => undefined,
    );
    await whenDir(gate, () => existsSync(join(gate, 'dumped')), exited);
    const plain = readFileSync(join(gate, 'plain'));
    expect(plain.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(plain.includes('CREATE TABLE')).toBe(true); // pg_dump's TOC: plaintext a reader would find
    const folder = join(dir, 'backups', 'sealed');
    const member = (): string | undefined => readdirSync(folder).find((n) => n.startsWith('.sealed.member'));
    await whenDir(folder, () => member() !== undefined && statSync(join(folder, member()!)).size === plain.length, exited);
    const onDisk = readFileSync(join(folder, member()!));
    expect(onDisk.includes('PGDMP')).toBe(false);
    expect(onDisk.includes('CREATE TABLE')).toBe(false);
    writeFileSync(join(gate, 'release'), 'go\n');
    const result = await run;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const archive = join(
      folder,
      readdirSync(folder).find((n) => n.endsWith('.tar.age'))!,
    );
    expect(readdirSync(folder).filter((n) => !n.startsWith('sealed-'))).toEqual([]); // the sealed temp is gone
    const tar = execFileSync('age', ['-d', '-i', join(dir, 'key.txt'), archive]);
    const packed = execFileSync('tar', ['-xOf', '-', 'databases/app.dump'], { input: tar, maxBuffer: 1 << 30 });
    expect(packed.equals(plain)).toBe(true);
  }, 120_000);

  it('os_user needs root and the local client, and says so', () => {
    const parsed = PostgresTarget.parse({ name: 'db', type: 'postgres', os_user: 'postgres' });
    expect(() => checkOsUser(parsed, 1000)).toThrow(/os_user: postgres .* needs root/);
    expect(() => checkOsUser(parsed, 0)).not.toThrow();
    const inContainer = PostgresTarget.safeParse({ name: 'db', type: 'postgres', os_user: 'postgres', container: 'pg' });
    expect(inContainer.success).toBe(false);
    expect(PostgresTarget.safeParse({ name: 'db', type: 'postgres', os_user: '-u root' }).success).toBe(false);
  });

  it('names runuser, not the client, when os_user is set and runuser is missing', async () => {
    const dir = tmpDir();
    const onlyClient = join(dir, 'bin'); // PATH with the client but no runuser
    mkdirSync(onlyClient);
    symlinkSync(join(pgBin, 'pg_dumpall'), join(onlyClient, 'pg_dumpall'));
    const config = join(dir, 'snapshotter.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n  - { name: peer, type: postgres, os_user: postgres, port: ${source.port} }\n`,
    );
    const result = await runCli(['run', '-c', config], { env: { PATH: onlyClient } });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain('runuser (for os_user) was not found on PATH');
    expect(result.stderr).not.toContain('pg_dumpall was not found');
  });
});
