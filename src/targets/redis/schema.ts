import * as z from 'zod';
import { intLike, targetBaseShape } from '../../config/common.js';
import { clientShape, execUserNeedsContainer, notAnOption } from '../_dump/schema.js';
import { defineSpec } from '../types.js';

export const RedisTarget = execUserNeedsContainer(
  z.strictObject({
    ...targetBaseShape,
    ...clientShape,
    type: z.literal('redis'),
    host: notAnOption.optional(),
    port: intLike.pipe(z.number().int().min(1).max(65535)).optional(),
    /** An ACL user (`--user`); the default user without it. */
    user: notAnOption.optional(),
    /** Reaches redis-cli as REDISCLI_AUTH in its environment (with docker: `docker exec -e REDISCLI_AUTH`). */
    password: z.string().min(1).optional(),
  }),
);
export type RedisTarget = z.infer<typeof RedisTarget>;

export const redisSpec = defineSpec({
  type: 'redis',
  schema: RedisTarget,
  storage: 'archive',
  secrets: ['password'],
  paths: [],
  formats: ['rdb'],
});
