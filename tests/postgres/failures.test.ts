// The postgres target's failures (no server needed: the docker stand-in plays truncated, failing, missing,
// stopped and hanging containers), the dry run (against a server that does not answer), verify of a truncated
// dump, and container-name validation.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PostgresTarget } from '../../src/targets/postgres/schema.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { alive, dockerCalls, FAKE_BIN, PASSWORD, runEnv as env } from './harness.js';

const enabled = requireBinaries('postgres failure tests', { sha256sum: findBinary('sha256sum') });
const running = { env: { PGHOST: '127.0.0.1', PGPORT: '1' } };

describe.skipIf(!enabled)('target postgres: failures and plans', () => {
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
    expect(errors.failing).toMatch(
      /^pg_dumpall failed: `PGPASSWORD=\*\*\* docker exec -e PGPASSWORD pg-failing pg_dumpall .*` exited with code 1: pg_dumpall: error: query failed/,
    );
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
    const result = await runCli(['run', '--dry-run', '-c', config], { env: env(dir, { 'pg-a': running }) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `run PGPASSWORD=*** docker exec -u postgres -e PGPASSWORD pg-a pg_dumpall --username postgres --no-password --exclude-database 'scratch db'`,
    );
    expect(result.stdout).toContain(`docker found at ${FAKE_BIN}/docker`);
    expect(result.stdout).toContain('run no-such-podman exec pg-a pg_dumpall --username postgres --no-password');
    expect(result.stdout).toContain('! no-such-podman (docker_command) was not found on PATH');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    // The server does not answer (nothing listens on port 1): the read-only query through the same docker exec
    // path says so, naming the target; nothing but that query ran.
    expect(result.stdout).toMatch(/! target "db": PostgreSQL did not answer a read-only query: .*psql/);
    expect(dockerCalls(dir).map((call) => call.argv.slice(0, 7))).toEqual([
      ['exec', '-u', 'postgres', '-e', 'PGPASSWORD', 'pg-a', 'psql'],
    ]);
    expect(dockerCalls(dir)[0]!.argv).toContain('--tuples-only');
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('takes --database/--jobs/--host/--port/--user only where they mean something', async () => {
    const dir = tmpDir();
    const config = join(dir, 'snapshotter.yaml');
    writeFileSync(config, `backup_dir: ${dir}/backups\ntargets:\n  - { name: shop, type: mysql, container: db }\n`);
    const archive = join(dir, 'shop-20240101T000000Z.sql.gz');
    const other = await runCli(['restore', archive, '--target', 'shop', '--database', 'a', '--yes', '-c', config]);
    expect(other.exitCode).toBe(64);
    expect(other.stderr).toContain('--database: not an option for restoring a mysql target');
    const folder = await runCli(['restore', archive, '--to', dir, '--host', 'h']);
    expect(folder.exitCode).toBe(64);
    expect(folder.stderr).toContain('apply to --target NAME (without --to)');
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
