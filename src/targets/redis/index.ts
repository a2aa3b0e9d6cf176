// Target `redis`: the server's RDB snapshot through `redis-cli --rdb -` (docker exec or local), as `.rdb.gz`;
// restore writes dump.rdb into --to DIR.
import { writeDecompressed } from '../_dump/write-file.js';
import { defineTarget } from '../types.js';
import { dumpRedis } from './dump.js';
import { planRedis } from './plan.js';
import { rdbCheck } from './rdb.js';
import { redisSpec } from './schema.js';

export const redisTarget = defineTarget({
  ...redisSpec,
  plan: planRedis,
  backup: dumpRedis,
  check: rdbCheck,
  // The operator stops Redis, puts dump.rdb into its `dir` and starts it again (README).
  restoreTo: async (ctx, archive, dir) => [await writeDecompressed(ctx, archive, dir, 'dump.rdb')],
});
