// Target `postgres`: a cluster-wide pg_dumpall through `docker exec` (or locally), as `.sql.gz`, with restore.
import { defineTarget } from '../types.js';
import { dumpToArchive } from './dump.js';
import { planDump } from './plan.js';
import { restoreDump } from './restore.js';
import { PostgresTarget } from './schema.js';

export const postgresTarget = defineTarget({
  type: 'postgres',
  schema: PostgresTarget,
  storage: 'archive',
  plan: planDump,
  backup: dumpToArchive,
  restore: restoreDump,
});
