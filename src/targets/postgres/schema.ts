import * as z from 'zod';
import { intLike, targetBaseShape } from '../../config/common.js';
import { clientShape, execUserNeedsContainer, notAnOption } from '../_dump/schema.js';
import { defineSpec } from '../types.js';

/** A system user name (`runuser -u NAME`), nothing an option parser could misread. */
const systemUser = z.string().regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'must be a system user name such as postgres');

export const PostgresTarget = execUserNeedsContainer(
  z.strictObject({
    ...targetBaseShape,
    ...clientShape,
    type: z.literal('postgres'),
    /** The database role pg_dumpall and psql connect as (`--username`). */
    user: notAnOption.max(63).default('postgres'),
    /** Appended to pg_dumpall's arguments as they are (each list item is one argument); pg_dump's with `databases`. */
    extra_args: z.array(z.string()).default([]),
    host: notAnOption.optional(),
    port: intLike.pipe(z.number().int().min(1).max(65535)).optional(),
    /** Reaches the child as PGPASSWORD in its environment (with docker: `docker exec -e PGPASSWORD`). */
    password: z.string().min(1).optional(),
    /** `pg_dump -Fc` per database (or every database that allows connections) plus the globals, in one `.tar`. */
    databases: z.union([z.literal('all'), z.array(notAnOption.max(63)).min(1)]).optional(),
    /** Local mode: run the clients as this system user (`runuser -u`, needs root), for peer authentication. */
    os_user: systemUser.optional(),
  }),
).refine((t) => t.os_user === undefined || t.container === undefined, {
  message: 'os_user applies to the local client: inside a container use exec_user',
  path: ['os_user'],
});
export type PostgresTarget = z.infer<typeof PostgresTarget>;

export const postgresSpec = defineSpec({
  type: 'postgres',
  schema: PostgresTarget,
  storage: 'archive',
  secrets: ['password'],
  paths: [],
  formats: ['sql', 'tar'],
});
