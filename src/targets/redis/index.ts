// Target `redis`: the server's RDB snapshot through `redis-cli --rdb -` (docker exec or local), as `.rdb.gz`;
// restore writes dump.rdb into --to DIR.
import { defineTarget } from '../types.js';
import { dumpRedis } from './dump.js';
import { planRedis } from './plan.js';
import { rdbCheck } from './rdb.js';
import { restoreRdb } from './restore.js';
import { redisSpec } from './schema.js';

export const redisTarget = defineTarget({
  ...redisSpec,
  plan: planRedis,
  backup: dumpRedis,
  check: rdbCheck,
  restoreTo: restoreRdb,
});
