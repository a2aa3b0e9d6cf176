// Target `mysql`: MariaDB or MySQL, every database through mariadb-dump/mysqldump (docker exec or local), as
// `.sql.gz`, with restore through mariadb/mysql.
import { defineTarget } from '../types.js';
import { dumpServer, mysqlDumpCheck } from './dump.js';
import { planDump } from './plan.js';
import { restoreDump } from './restore.js';
import { mysqlSpec } from './schema.js';

export const mysqlTarget = defineTarget({
  ...mysqlSpec,
  plan: planDump,
  backup: dumpServer,
  check: mysqlDumpCheck,
  restore: restoreDump,
});
