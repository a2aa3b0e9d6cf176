import { z } from 'zod';
import { intLike, targetBaseShape } from '../../config/common.js';
import { defineSpec } from '../types.js';

const NOT_AN_OPTION = /^[^-\s]/;

export const RedisTarget = z
  .strictObject({
    ...targetBaseShape,
    type: z.literal('redis'),
    /** `docker exec <container> redis-cli --rdb -`; without it the local redis-cli connects to host/port. */
    container: z
      .string()
      .max(255)
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a container name or id matching [a-zA-Z0-9][a-zA-Z0-9_.-]*')
      .optional(),
    host: z.string().min(1).regex(NOT_AN_OPTION, 'must not start with "-" or a space').optional(),
    port: intLike.pipe(z.number().int().min(1).max(65535)).optional(),
    /** An ACL user (`--user`); the default user without it. */
    user: z.string().min(1).regex(NOT_AN_OPTION, 'must not start with "-" or a space').optional(),
    /** Reaches redis-cli as REDISCLI_AUTH in its environment (with docker: `docker exec -e REDISCLI_AUTH`). */
    password: z.string().min(1).optional(),
    docker_command: z
      .string()
      .regex(/^[^\s-][^\s]*$/, 'must be one program name or path, without arguments')
      .default('docker'),
    exec_user: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, 'must be user, uid, user:group or uid:gid')
      .optional(),
  })
  .refine((t) => t.exec_user === undefined || t.container !== undefined, {
    message: 'exec_user applies to docker exec only: set container too',
    path: ['exec_user'],
  });
export type RedisTarget = z.infer<typeof RedisTarget>;

export const redisSpec = defineSpec({
  type: 'redis',
  schema: RedisTarget,
  storage: 'archive',
  secrets: ['password'],
  paths: [],
  formats: ['rdb'],
});
