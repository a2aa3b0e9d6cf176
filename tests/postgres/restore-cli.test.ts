// `snapshotter restore ARCHIVE --target NAME` for postgres, end to end through the CLI: it refuses without --yes
// when nobody can answer, refuses a damaged archive before psql ever runs, and restores into a fresh cluster.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { archiveOf, dockerCalls, PASSWORD, runEnv } from './harness.js';
import { clusterRoot, initTemplate, pgBinaries, startCluster, type PgCluster } from './pg-server.js';

const bins = pgBinaries();
const enabled = requireBinaries('postgres restore CLI tests', bins);

const SEED = `
CREATE ROLE app LOGIN PASSWORD 'app-pw';
CREATE DATABASE shop OWNER app;
\\connect shop
CREATE TABLE items (id int PRIMARY KEY, name text, blob bytea);
INSERT INTO items SELECT g, 'item ' || g || ' Zoë 🐘', decode(md5(g::text), 'hex') FROM generate_series(1, 5000) g;
`;

describe.skipIf(!enabled)('snapshotter restore --target (postgres)', () => {
  const pgBin = dirname(bins.initdb ?? '');
  let base: string;
  let source: PgCluster;
  let fresh: PgCluster;

  beforeAll(async () => {
    base = mkdtempSync(join(clusterRoot(), 'snapshotter-pg-restore-'));
    const template = await initTemplate(base, pgBin, PASSWORD);
    [source, fresh] = await Promise.all([
      startCluster(base, pgBin, template, 'source', PASSWORD),
      startCluster(base, pgBin, template, 'fresh', PASSWORD),
    ]);
    await source.sql('postgres', SEED);
  });

  afterAll(async () => {
    await Promise.all([source, fresh].filter(Boolean).map((cluster) => cluster.stop()));
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('asks for --yes, refuses damage before psql runs, then restores identical data', async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'pw'), PASSWORD, { mode: 0o600 });
    const config = join(dir, 'snapshotter.yaml');
    const write = (container: string) =>
      writeFileSync(
        config,
        `backup_dir: ${dir}/backups\ntargets:\n  - { name: db, type: postgres, container: ${container}, password_file: ${dir}/pw }\n`,
        { mode: 0o600 },
      );
    const containers = {
      'pg-source': { env: { PGHOST: '127.0.0.1', PGPORT: String(source.port) } },
      'pg-fresh': { env: { PGHOST: '127.0.0.1', PGPORT: String(fresh.port) } },
    };
    const env = runEnv(dir, containers, pgBin);
    write('pg-source');
    expect((await runCli(['run', '-c', config], { env })).exitCode).toBe(0);
    const archive = archiveOf(dir, 'db');
    write('pg-fresh');
    const before = dockerCalls(dir).length;

    const unconfirmed = await runCli(['restore', archive, '--target', 'db', '-c', config], { env });
    expect(unconfirmed.exitCode).toBe(64);
    expect(unconfirmed.stderr).toContain('--yes');
    expect(dockerCalls(dir)).toHaveLength(before);

    const good = readFileSync(archive);
    const damaged = Buffer.from(good);
    damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
    writeFileSync(archive, damaged);
    const refused = await runCli(['restore', archive, '--target', 'db', '--yes', '-c', config], { env });
    expect(refused.exitCode).toBe(1);
    expect(dockerCalls(dir)).toHaveLength(before);
    writeFileSync(archive, good);
    expect(statSync(archive).size).toBe(good.length);

    const restored = await runCli(['restore', archive, '--target', 'db', '--yes', '-c', config], { env });
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(dockerCalls(dir).at(-1)!.argv).toEqual([
      'exec',
      '-i',
      '-e',
      'PGPASSWORD',
      'pg-fresh',
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
    const query = "SELECT count(*), md5(string_agg(id || name || encode(blob, 'hex'), ',' ORDER BY id)) FROM items";
    expect(await fresh.sql('shop', query)).toBe(await source.sql('shop', query));
    expect(`${restored.stdout}${restored.stderr}`).not.toContain(PASSWORD);
  }, 120_000);
});
