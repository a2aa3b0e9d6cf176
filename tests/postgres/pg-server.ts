// Real PostgreSQL clusters for tests: initdb once (as the `postgres` user when the tests run as root), copy the
// fresh data folder per cluster, start each on 127.0.0.1 and a free port with its socket in the temp folder.
import { execa } from 'execa';
import { appendFileSync, cpSync, mkdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../helpers/binaries.js';
import { freePort } from '../helpers/net.js';

export const PG_BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

export function pgBinaries(): Record<string, string | undefined> {
  return Object.fromEntries(
    ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dumpall', 'pg_dump', 'pg_restore'].map((n) => [n, findBinary(n, PG_BIN_DIRS)]),
  );
}

export interface PgCluster {
  port: number;
  dir: string;
  /** The folder of its unix socket. */
  socketDir: string;
  /** Runs SQL as the superuser over TCP (with the password); returns psql's unaligned output. */
  sql(database: string, text: string): Promise<string>;
  stop(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

/** Runs a server-side binary as the `postgres` user when we are root (initdb and postgres refuse root). */
function asPostgres(file: string, args: string[]): ReturnType<typeof execa> {
  return asRoot ? execa('runuser', ['-u', 'postgres', '--', file, ...args]) : execa(file, args);
}

/** Where clusters live: memory (/dev/shm) when it has room, so that setup and cleanup cost no disk I/O. */
export function clusterRoot(): string {
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize > 2 * 1024 ** 3) return '/dev/shm';
  } catch {
    // No /dev/shm here.
  }
  return tmpdir();
}

/** Hands a path to the `postgres` user (the server refuses to run as root). */
async function chownPostgres(...paths: string[]): Promise<void> {
  if (asRoot) await execa('chown', ['-R', 'postgres:postgres', ...paths]);
}

/** A fresh initdb'd data folder under `base` (superuser `postgres` with `password`, scram on TCP). */
export async function initTemplate(base: string, bin: string, password: string): Promise<string> {
  await chownPostgres(base);
  const dir = join(base, 'template');
  const pwfile = join(base, 'pwfile');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  await chownPostgres(pwfile);
  await asPostgres(join(bin, 'initdb'), [
    '-D',
    dir,
    '--username',
    'postgres',
    '--pwfile',
    pwfile,
    '--auth-local',
    'trust',
    '--auth-host',
    'scram-sha-256',
    '--encoding',
    'UTF8',
    '--locale',
    'C',
    '--no-sync',
    '--wal-segsize',
    '1',
  ]);
  return dir;
}

/** Copies the template and starts a cluster from it. */
export async function startCluster(
  base: string,
  bin: string,
  template: string,
  name: string,
  password: string,
  /** pg_hba.conf lines put before the template's own (first match wins): `local all all peer`. */
  hbaFirst: string[] = [],
): Promise<PgCluster> {
  const dir = join(base, name);
  cpSync(template, dir, { recursive: true });
  if (hbaFirst.length > 0) {
    const hba = join(dir, 'pg_hba.conf');
    writeFileSync(hba, `${hbaFirst.join('\n')}\n${readFileSync(hba, 'utf8')}`);
  }
  const socketDir = join(base, `${name}-sock`);
  mkdirSync(socketDir);
  await chownPostgres(dir, socketDir);
  const port = await freePort();
  appendFileSync(
    join(dir, 'postgresql.conf'),
    `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${socketDir}'\n` +
      `fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 20\nshared_buffers = 32MB\n`,
  );
  await asPostgres(join(bin, 'pg_ctl'), ['-D', dir, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const psql = join(bin, 'psql');
  return {
    port,
    dir,
    socketDir,
    async sql(database, text) {
      const result = await execa(
        psql,
        ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database],
        {
          input: text,
          env: { PGPASSWORD: password },
        },
      );
      return result.stdout;
    },
    async stop() {
      await asPostgres(join(bin, 'pg_ctl'), ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    },
  };
}
