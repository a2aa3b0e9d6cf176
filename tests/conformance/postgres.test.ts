// The target contract for postgres targets (tests/conformance/contract.ts): a real PostgreSQL reached through the
// docker stand-in; the failing source is a container whose server is not listening, the hanging one a container
// whose pg_dumpall never ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/net.js';
import { FAKE_BIN, PASSWORD } from '../postgres/harness.js';
import { clusterRoot, initTemplate, pgBinaries, startCluster } from '../postgres/pg-server.js';
import { conformance } from './contract.js';

const bins = pgBinaries();

conformance({
  type: 'postgres',
  binaries: bins,
  optOut: {
    restore:
      'restoring needs a second cluster; tests/postgres/restore-cli.test.ts restores into a fresh cluster and compares the data',
  },
  async start() {
    const bin = join(bins.pg_dumpall!, '..');
    const base = mkdtempSync(join(clusterRoot(), 'snapshotter-pg-'));
    const cluster = await startCluster(base, bin, await initTemplate(base, bin, PASSWORD), 'a', PASSWORD);
    await cluster.sql('postgres', "CREATE TABLE t (name text); INSERT INTO t VALUES ('Zoë 日本語');");
    const at = (port: number) => ({ env: { PGHOST: '127.0.0.1', PGPORT: String(port) } });
    const containers = { pg: at(cluster.port), down: at(await freePort()), hanging: { behaviour: 'hang' } };
    const fields = (container: string) => `container: ${container}, password: "\${CONFORMANCE_SECRET}"`;
    return {
      good: fields('pg'),
      broken: fields('down'),
      hanging: fields('hanging'),
      secret: PASSWORD,
      waitingOn: / waiting for pg_dumpall in container hanging$/,
      childEnv: ['PGPASSWORD'],
      env: { PATH: `${FAKE_BIN}:${bin}:${process.env.PATH ?? ''}`, DOCKER_FAKE_CONTAINERS: JSON.stringify(containers) },
      async stop() {
        await cluster.stop();
        rmSync(base, { recursive: true, force: true });
      },
    };
  },
});
