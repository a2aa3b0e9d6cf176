// The postgres target against a real PostgreSQL: backups through a `docker` stand-in on PATH (and locally),
// restore into fresh clusters (as an operator would, and through the module).
import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTarget } from '../../src/targets/postgres/index.js';
import { PostgresTarget } from '../../src/targets/postgres/schema.js';
import { Redactor } from '../../src/util/redact.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { archiveOf, dockerCalls, PASSWORD, runEnv } from './harness.js';
import { fingerprint, NON_ASCII, SAMPLE_ROWS, SEED_SQL } from './fixtures.js';
import { clusterRoot, initTemplate, pgBinaries, startCluster, type PgCluster } from './pg-server.js';

const bins = pgBinaries();
const enabled = requireBinaries('postgres target tests', {
  ...bins,
  gunzip: findBinary('gunzip'),
  sha256sum: findBinary('sha256sum'),
  ...(process.getuid?.() === 0 ? { runuser: findBinary('runuser') } : {}),
});

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

  const env = (dir: string, containers: Record<string, unknown>) => runEnv(dir, containers, pgBin);
  const running = (cluster: PgCluster) => ({ env: { PGHOST: '127.0.0.1', PGPORT: String(cluster.port) } });

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
    const cliEnv = env(dir, { 'pg-a': running(a), 'pg-c': running(c) });
    const result = await runCli(['run', '--json', '--log-level', 'debug', '-c', config], { env: cliEnv });
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
    const target = PostgresTarget.parse({
      name: 'main-db',
      type: 'postgres',
      container: 'pg-c',
      exec_user: 'postgres',
      password: PASSWORD,
    });
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
      env: { ...process.env, ...cliEnv },
      stdout,
      stderr,
    };
    const restore = postgresTarget.restore;
    if (!restore) throw new Error('the postgres target has no restore');
    await restore(ctx, target, { path: archive, ext: 'sql.gz', format: 'sql' });
    expect(await fingerprint(c)).toEqual(original);
    expect(dockerCalls(dir).at(-1)!.argv).toEqual([
      'exec',
      '-i',
      '-u',
      'postgres',
      '-e',
      'PGPASSWORD',
      'pg-c',
      'psql',
      '--username',
      'postgres',
      '--no-password',
      '--no-psqlrc',
      '--quiet',
      '--output',
      '/dev/null',
      '-v',
      'ON_ERROR_STOP=1',
      '--dbname',
      'postgres',
    ]);

    // A second restore into the same cluster stops at the first error and says which.
    const again = await restore(ctx, target, { path: archive, ext: 'sql.gz', format: 'sql' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Error);
    const message = String((again as Error).message) + String(((again as Error).cause as Error | undefined)?.message);
    expect(message).toMatch(/psql failed: the restore stopped at the first error/);
    expect(message).toMatch(/already exists/);
    expect(message + printed).not.toContain(PASSWORD);
  });

  it('dumps with the local pg_dumpall against host and port, and reports a refused password plainly', async () => {
    const dir = tmpDir();
    const config = join(dir, 'snapshotter.yaml');
    const local = (name: string, password: string) =>
      `  - name: ${name}\n    type: postgres\n    host: 127.0.0.1\n    port: ${a.port}\n    user: postgres\n` +
      `    password: ${password}\n    extra_args: [--exclude-database, metrics]\n`;
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n` + local('local', PASSWORD) + local('wrong', 'not-the-Password-77'),
    );
    const result = await runCli(['run', '--json', '-c', config], { env: env(dir, {}) });
    expect(result.exitCode, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.targets[0].status, report.targets[0].error).toBe('success');
    expect(report.targets[1].error).toMatch(
      /^pg_dumpall failed: `PGPASSWORD=\*\*\* pg_dumpall --username postgres --host 127.0.0.1 --port \d+ --no-password --exclude-database metrics` exited with code 1: .*password authentication failed for user "postgres"/s,
    );
    expect(dockerCalls(dir)).toEqual([]);
    const dump = (await execa('gunzip', ['-c', archiveOf(dir, 'local')])).stdout;
    expect(dump).toContain(NON_ASCII[1]);
    expect(dump.trimEnd().endsWith('-- PostgreSQL database cluster dump complete\n--')).toBe(true);
    expect(result.stdout + result.stderr).not.toContain('not-the-Password-77');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});
