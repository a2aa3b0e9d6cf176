// The postgres target against a real PostgreSQL: backups through a `docker` stand-in on PATH (and locally),
// restore into fresh clusters (as an operator would, and through the module), failures that keep nothing.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTarget } from '../../src/targets/postgres/index.js';
import { PostgresTarget } from '../../src/targets/postgres/schema.js';
import { Redactor } from '../../src/util/redact.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { fingerprint, NON_ASCII, SAMPLE_ROWS, SEED_SQL } from './fixtures.js';
import { clusterRoot, initTemplate, pgBinaries, startCluster, type PgCluster } from './pg-server.js';

const FAKE_BIN = fileURLToPath(new URL('../fixtures/bin', import.meta.url));
const PASSWORD = 'Pg-s3cret-9f2Kq';
const bins = pgBinaries();
const enabled = requireBinaries('postgres target tests', {
  ...bins,
  gunzip: findBinary('gunzip'),
  sha256sum: findBinary('sha256sum'),
  ...(process.getuid?.() === 0 ? { runuser: findBinary('runuser') } : {}),
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!enabled)('target postgres', () => {
  const pgBin = dirname(bins.initdb ?? '');
  let base: string;
  let a: PgCluster;
  let b: PgCluster;
  let c: PgCluster;

  beforeAll(async () => {
    base = mkdtempSync(join(clusterRoot(), 'snapshotter-pg-'));
    const template = await initTemplate(base, pgBin, PASSWORD);
    const start = (name: string) => startCluster(base, pgBin, template, name, PASSWORD);
    [a, b, c] = await Promise.all([start('a'), start('b'), start('c')]);
    await a.sql('postgres', SEED_SQL);
  });

  afterAll(async () => {
    await Promise.all([a, b, c].filter(Boolean).map((cluster) => cluster.stop()));
    if (base) rmSync(base, { recursive: true, force: true });
  });

  /** The environment of a snapshotter run: the docker stand-in first on PATH, containers mapped to clusters. */
  function env(dir: string, containers: Record<string, unknown>): Record<string, string | undefined> {
    return {
      PATH: `${FAKE_BIN}:${pgBin}:${process.env.PATH ?? ''}`,
      FAKE_DOCKER_CONTAINERS: JSON.stringify(containers),
      FAKE_DOCKER_LOG: join(dir, 'docker-argv.jsonl'),
      PGPASSWORD: undefined,
      PGHOST: undefined,
      PGPORT: undefined,
    };
  }

  const running = (cluster: PgCluster) => ({ env: { PGHOST: '127.0.0.1', PGPORT: String(cluster.port) } });

  function dockerCalls(dir: string): { argv: string[]; pid: number; pgpassword_in_env: boolean }[] {
    const file = join(dir, 'docker-argv.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  }

  function archiveOf(dir: string, target: string): string {
    const name = readdirSync(join(dir, 'backups', target)).find((n) => n.endsWith('.sql.gz'));
    if (!name) throw new Error(`no archive for ${target}`);
    return join(dir, 'backups', target, name);
  }

  it('backs up through docker exec, restores into fresh clusters with identical data, never shows the password', async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'pg-password'), `${PASSWORD}\n`, { mode: 0o600 });
    const config = join(dir, 'snapshotter.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\nlog: { file: ${dir}/log/snapshotter.log, level: debug }\ntargets:\n` +
        `  - name: main-db\n    type: postgres\n    container: pg-a\n    exec_user: postgres\n` +
        `    password_file: ${dir}/pg-password\n`,
      { mode: 0o600 },
    );
    const runEnv = env(dir, { 'pg-a': running(a), 'pg-c': running(c) });
    const result = await runCli(['run', '--json', '--log-level', 'debug', '-c', config], { env: runEnv });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.targets[0]).toMatchObject({ name: 'main-db', type: 'postgres', status: 'success' });

    const calls = dockerCalls(dir);
    expect(calls.map((call) => call.argv)).toEqual([
      ['exec', '-u', 'postgres', '-e', 'PGPASSWORD', 'pg-a', 'pg_dumpall', '--username', 'postgres', '--no-password'],
    ]);
    expect(calls[0]!.pgpassword_in_env).toBe(true);

    const archive = archiveOf(dir, 'main-db');
    expect(archive).toMatch(/main-db-\d{8}T\d{6}Z\.sql\.gz$/);
    await execa('sha256sum', ['-c', `${archive}.sha256`], { cwd: dirname(archive) });
    const manifest = JSON.parse(readFileSync(`${archive}.json`, 'utf8'));
    expect(manifest.source).toMatchObject({ container: 'pg-a', user: 'postgres' });
    expect(manifest.source.command).toBe(
      'PGPASSWORD=*** docker exec -u postgres -e PGPASSWORD pg-a pg_dumpall --username postgres --no-password',
    );
    const verify = await runCli(['verify', archive]);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);

    const everything = [
      result.stdout,
      result.stderr,
      readFileSync(join(dir, 'docker-argv.jsonl'), 'utf8'),
      readFileSync(`${archive}.json`, 'utf8'),
      ...readdirSync(join(dir, 'log')).map((f) => readFileSync(join(dir, 'log', f), 'utf8')),
    ].join('\n');
    expect(everything).toContain('pg_dumpall');
    expect(everything).not.toContain(PASSWORD);

    // As an operator would: gunzip -c ARCHIVE | psql, into a fresh cluster (the one expected error: the role
    // psql connects as exists already).
    const manual = await execa('gunzip', ['-c', archive]).pipe(
      join(pgBin, 'psql'),
      ['-X', '-q', '-h', '127.0.0.1', '-p', String(b.port), '-U', 'postgres', '-d', 'postgres'],
      { env: { PGPASSWORD: PASSWORD } },
    );
    expect(manual.stderr.trim()).toBe('ERROR:  role "postgres" already exists');
    const original = await fingerprint(a);
    expect(original.view.split('\n')).toEqual(NON_ASCII);
    expect(original.samples.startsWith(`${SAMPLE_ROWS}|`)).toBe(true);
    expect(await fingerprint(b)).toEqual(original);

    // Through the module's restore (what `snapshotter restore ARCHIVE --target main-db` calls), into another one.
    const redactor = new Redactor();
    redactor.add(PASSWORD);
    const target = PostgresTarget.parse({ name: 'main-db', type: 'postgres', container: 'pg-c', exec_user: 'postgres', password: PASSWORD });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let printed = '';
    stdout.on('data', (d) => (printed += d));
    stderr.on('data', (d) => (printed += d));
    const ctx = {
      target: 'main-db',
      logger: pino({ enabled: false }),
      signal: new AbortController().signal,
      redactor,
      env: { ...process.env, ...runEnv },
      stdout,
      stderr,
    };
    const restore = postgresTarget.restore;
    if (!restore) throw new Error('the postgres target has no restore');
    await restore(ctx, target, { path: archive, ext: 'sql.gz' });
    expect(await fingerprint(c)).toEqual(original);
    expect(dockerCalls(dir).at(-1)!.argv).toEqual([
      'exec', '-i', '-u', 'postgres', '-e', 'PGPASSWORD', 'pg-c',
      'psql', '--username', 'postgres', '--no-password', '--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--dbname', 'postgres',
    ]);

    // A second restore into the same cluster stops at the first error and says which.
    const again = await restore(ctx, target, { path: archive, ext: 'sql.gz' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Error);
    const message = String((again as Error).message) + String(((again as Error).cause as Error | undefined)?.message);
    expect(message).toMatch(/psql failed: the restore stopped at the first error/);
    expect(message).toMatch(/already exists/);
    expect(message + printed).not.toContain(PASSWORD);
  });

  it('fails a truncated, a failing, a missing, a stopped and a hanging dump, keeps nothing, and runs the other targets', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files', 'a.txt'), 'still backed up\n');
    const pg = (name: string, container: string, extra = '') =>
      `  - name: ${name}\n    type: postgres\n    container: ${container}\n    password: \${PG_PW}\n${extra}`;
    const config = join(dir, 'snapshotter.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\nconcurrency: 3\ntargets:\n` +
        pg('truncated', 'pg-truncated') +
        pg('failing', 'pg-failing') +
        pg('missing', 'pg-missing') +
        pg('stopped', 'pg-stopped') +
        pg('hanging', 'pg-hanging', '    timeout: 2s\n') +
        `  - name: files\n    type: filesystem\n    paths: [${dir}/files]\n`,
    );
    const containers = {
      'pg-truncated': { behaviour: 'truncated' },
      'pg-failing': { behaviour: 'fail' },
      'pg-stopped': { state: 'exited' },
      'pg-hanging': { behaviour: 'hang' },
    };
    const result = await runCli(['run', '--json', '-c', config], { env: { ...env(dir, containers), PG_PW: PASSWORD } });
    expect(result.exitCode, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout);
    const byName = Object.fromEntries(report.targets.map((t: { name: string }) => [t.name, t]));
    expect(byName.files.status).toBe('success');
    const errors = Object.fromEntries(
      ['truncated', 'failing', 'missing', 'stopped', 'hanging'].map((name) => [name, byName[name].error as string]),
    );
    expect(errors.truncated).toMatch(/^pg_dumpall exited 0 but the dump lacks its closing line .* a truncated dump, not kept/);
    expect(errors.failing).toMatch(/^pg_dumpall failed: `PGPASSWORD=\*\*\* docker exec -e PGPASSWORD pg-failing pg_dumpall .*` exited with code 1: pg_dumpall: error: query failed/);
    expect(errors.missing).toMatch(/^container "pg-missing" does not exist: .*No such container: pg-missing/);
    expect(errors.stopped).toMatch(/^container "pg-stopped" is not running: /);
    expect(errors.hanging).toMatch(/^timed out after 2/);
    for (const name of Object.keys(errors)) {
      expect(byName[name].status).toBe('failure');
      const folder = join(dir, 'backups', name);
      expect(existsSync(folder) ? readdirSync(folder) : [], name).toEqual([]);
    }
    // The hanging dump's process was stopped, not left behind.
    const hanging = dockerCalls(dir).find((call) => call.argv.includes('pg-hanging'));
    expect(hanging && alive(hanging.pid)).toBe(false);
    expect(result.stdout + result.stderr + readFileSync(join(dir, 'docker-argv.jsonl'), 'utf8')).not.toContain(PASSWORD);
  });

  it('dumps with the local pg_dumpall against host and port, and reports a refused password plainly', async () => {
    const dir = tmpDir();
    const config = join(dir, 'snapshotter.yaml');
    const local = (name: string, password: string) =>
      `  - name: ${name}\n    type: postgres\n    host: 127.0.0.1\n    port: ${a.port}\n    user: postgres\n` +
      `    password: ${password}\n    extra_args: [--exclude-database, metrics]\n`;
    writeFileSync(config, `backup_dir: ${dir}/backups\ntargets:\n` + local('local', PASSWORD) + local('wrong', 'not-the-Password-77'));
    const result = await runCli(['run', '--json', '-c', config], { env: env(dir, {}) });
    expect(result.exitCode, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.targets[0].status, report.targets[0].error).toBe('success');
    expect(report.targets[1].error).toMatch(/^pg_dumpall failed: `PGPASSWORD=\*\*\* pg_dumpall --username postgres --host 127.0.0.1 --port \d+ --no-password --exclude-database metrics` exited with code 1: .*password authentication failed for user "postgres"/s);
    expect(dockerCalls(dir)).toEqual([]);
    const dump = (await execa('gunzip', ['-c', archiveOf(dir, 'local')])).stdout;
    expect(dump).toContain(NON_ASCII[1]);
    expect(dump.trimEnd().endsWith('-- PostgreSQL database cluster dump complete\n--')).toBe(true);
    expect(result.stdout + result.stderr).not.toContain('not-the-Password-77');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('shows the exact commands in a dry run, password masked, and whether docker is found', async () => {
    const dir = tmpDir();
    const config = join(dir, 'snapshotter.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n` +
        `  - name: db\n    type: postgres\n    container: pg-a\n    exec_user: postgres\n    password: ${PASSWORD}\n` +
        `    extra_args: [--exclude-database, "scratch db"]\n` +
        `  - name: podman-db\n    type: postgres\n    container: pg-a\n    docker_command: no-such-podman\n`,
      { mode: 0o600 },
    );
    const result = await runCli(['run', '--dry-run', '-c', config], { env: env(dir, { 'pg-a': running(a) }) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `run PGPASSWORD=*** docker exec -u postgres -e PGPASSWORD pg-a pg_dumpall --username postgres --no-password --exclude-database 'scratch db'`,
    );
    expect(result.stdout).toContain(`docker found at ${FAKE_BIN}/docker`);
    expect(result.stdout).toContain('run no-such-podman exec pg-a pg_dumpall --username postgres --no-password');
    expect(result.stdout).toContain('! no-such-podman (docker_command) was not found on PATH');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(dockerCalls(dir)).toEqual([]);
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('rejects container names a shell or docker could misread', async () => {
    for (const container of ['pg; rm -rf /', '-it', 'pg a', '$(id)', '']) {
      const parsed = PostgresTarget.safeParse({ name: 'db', type: 'postgres', container });
      expect(parsed.success, container).toBe(false);
    }
    expect(PostgresTarget.safeParse({ name: 'db', type: 'postgres', container: 'my_pg.1-a' }).success).toBe(true);
  });

  it('verify rejects a .sql.gz whose dump lacks the closing line, even with a matching checksum', async () => {
    const dir = tmpDir();
    const name = 'db-20240101T000000Z.sql.gz';
    const gz = gzipSync('--\n-- PostgreSQL database cluster dump\n--\n\nCREATE ROLE app_owner;\n');
    writeFileSync(join(dir, name), gz);
    writeFileSync(join(dir, `${name}.sha256`), `${createHash('sha256').update(gz).digest('hex')}  ${name}\n`);
    await execa('sha256sum', ['-c', `${name}.sha256`], { cwd: dir });
    const result = await runCli(['verify', join(dir, name)]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/lacks pg_dumpall's closing line/);
  });
});
