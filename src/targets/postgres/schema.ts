import { z } from 'zod';
import { intLike, targetBaseShape } from '../../config/common.js';
import { clientShape, execUserNeedsContainer, notAnOption } from '../_dump/schema.js';
import { defineSpec } from '../types.js';

export const PostgresTarget = execUserNeedsContainer(
  z.strictObject({
    ...targetBaseShape,
    ...clientShape,
    type: z.literal('postgres'),
    /** The database role pg_dumpall and psql connect as (`--username`). */
    user: notAnOption.max(63).default('postgres'),
    /** Appended to pg_dumpall's arguments as they are (each list item is one argument). */
    extra_args: z.array(z.string()).default([]),
    host: notAnOption.optional(),
    port: intLike.pipe(z.number().int().min(1).max(65535)).optional(),
    /** Reaches the child as PGPASSWORD in its environment (with docker: `docker exec -e PGPASSWORD`). */
    password: z.string().min(1).optional(),
  }),
);
export type PostgresTarget = z.infer<typeof PostgresTarget>;

export const postgresSpec = defineSpec({
  type: 'postgres',
  schema: PostgresTarget,
  storage: 'archive',
  secrets: ['password'],
  paths: [],
  formats: ['sql'],
});
