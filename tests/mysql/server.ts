// A real MariaDB server for a test: mariadb-install-db into a temporary folder, then mariadbd on 127.0.0.1 and a
// free port; stopped (and its folder removed) by stop().
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../helpers/binaries.js';
import { freePort } from '../helpers/net.js';

export const MARIADB_BINARIES = {
  'mariadb-install-db': findBinary('mariadb-install-db'),
  mariadbd: findBinary('mariadbd', ['/usr/sbin']),
  mariadb: findBinary('mariadb'),
  'mariadb-dump': findBinary('mariadb-dump'),
};

export interface MariaServer {
  port: number;
  /** Runs SQL as root over the socket; returns the tab-separated rows. */
  sql(text: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startMariadb(): Promise<MariaServer> {
  const dir = mkdtempSync(join(tmpdir(), 'snapshotter-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'sock');
  const user = userInfo().username;
  // Its own temp folder: two bootstraps sharing /tmp (this file starts two servers) can trip on each other's temp tables.
  const temp = join(dir, 'tmp');
  mkdirSync(temp);
  await execa(MARIADB_BINARIES['mariadb-install-db']!, [
    '--no-defaults',
    `--datadir=${datadir}`,
    `--user=${user}`,
    '--auth-root-authentication-method=socket',
    '--skip-test-db',
    `--tmpdir=${temp}`,
  ]);
  const port = await freePort();
  const server: ResultPromise = execa(
    MARIADB_BINARIES.mariadbd!,
    [
      '--no-defaults',
      '--skip-name-resolve',
      `--datadir=${datadir}`,
      `--tmpdir=${temp}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--user=${user}`,
      `--pid-file=${join(dir, 'pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
    ],
    { reject: false },
  );
  const sql = async (text: string): Promise<string> => {
    const r = await execa(MARIADB_BINARIES.mariadb!, [
      '--no-defaults',
      '--user=root',
      `--socket=${socket}`,
      '--default-character-set=utf8mb4',
      '--batch',
      '--skip-column-names',
      '-e',
      text,
    ]);
    return r.stdout;
  };
  // Ready when the socket answers a query; the server exiting first is a failure with its log.
  let exited = false;
  void server.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`mariadbd exited while starting (see ${join(dir, 'error.log')})`);
    if (
      await sql('SELECT 1').then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    port,
    sql,
    async stop() {
      server.kill('SIGTERM');
      await server;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
