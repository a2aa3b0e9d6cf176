// Target `postgres`: a cluster-wide pg_dumpall (`.sql.gz`), or with `databases` one pg_dump -Fc per database plus
// the globals in one `.tar`, through `docker exec` (or locally), with restore.
import { defineTarget, type BackupOutcome, type TargetContext } from '../types.js';
import { dumpCluster, pgDumpallCheck } from './dump.js';
import { dumpDatabases } from './dump-databases.js';
import { planDump } from './plan.js';
import { restoreDump } from './restore.js';
import { postgresSpec, type PostgresTarget } from './schema.js';
import { perDatabaseCheck } from './tar-check.js';

function backup(ctx: TargetContext, config: PostgresTarget): Promise<BackupOutcome> {
  return config.databases === undefined ? dumpCluster(ctx, config) : dumpDatabases(ctx, config);
}

export const postgresTarget = defineTarget({
  ...postgresSpec,
  plan: planDump,
  backup,
  check: (format) => (format === 'tar' ? perDatabaseCheck() : pgDumpallCheck()),
  restoreOptions: ['database', 'jobs', 'host', 'port', 'user'],
  restore: restoreDump,
});
