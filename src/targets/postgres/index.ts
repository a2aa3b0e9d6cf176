// Target `postgres`: a cluster-wide pg_dumpall through `docker exec` (or locally), as `.sql.gz`, with restore.
import { defineTarget } from '../types.js';
import { dumpCluster, pgDumpallCheck } from './dump.js';
import { planDump } from './plan.js';
import { restoreDump } from './restore.js';
import { postgresSpec } from './schema.js';

export const postgresTarget = defineTarget({
  ...postgresSpec,
  plan: planDump,
  backup: dumpCluster,
  check: pgDumpallCheck,
  restore: restoreDump,
});
