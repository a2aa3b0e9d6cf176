import { z } from 'zod';
import { intLike, targetBaseShape } from '../../config/common.js';
import { defineSpec } from '../types.js';

/** Docker's own rule for container names (ids match it too); nothing a shell or an option parser could misread. */
export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export const PostgresTarget = z
  .strictObject({
    ...targetBaseShape,
    type: z.literal('postgres'),
    /** `docker exec <container> pg_dumpall`; without it the local pg_dumpall connects to host/port. */
    container: z
      .string()
      .max(255)
      .regex(CONTAINER_NAME, 'must be a container name or id matching [a-zA-Z0-9][a-zA-Z0-9_.-]*')
      .optional(),
    /** The database role pg_dumpall and psql connect as (`--username`). */
    user: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[^-\s]/, 'must not start with "-" or a space')
      .default('postgres'),
    /** Appended to pg_dumpall's arguments as they are (each list item is one argument). */
    extra_args: z.array(z.string()).default([]),
    /** The docker CLI (`podman` works too): one program name or path, no arguments. */
    docker_command: z
      .string()
      .regex(/^[^\s-][^\s]*$/, 'must be one program name or path, without arguments')
      .default('docker'),
    /** `docker exec -u <exec_user>`: the OS user in the container (`postgres` for peer authentication). */
    exec_user: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, 'must be user, uid, user:group or uid:gid')
      .optional(),
    host: z
      .string()
      .min(1)
      .regex(/^[^-\s]/, 'must not start with "-" or a space')
      .optional(),
    port: intLike.pipe(z.number().int().min(1).max(65535)).optional(),
    /** Reaches the child as PGPASSWORD in its environment (with docker: `docker exec -e PGPASSWORD`). */
    password: z.string().min(1).optional(),
  })
  .refine((t) => t.exec_user === undefined || t.container !== undefined, {
    message: 'exec_user applies to docker exec only: set container too',
    path: ['exec_user'],
  });
export type PostgresTarget = z.infer<typeof PostgresTarget>;

export const postgresSpec = defineSpec({
  type: 'postgres',
  schema: PostgresTarget,
  storage: 'archive',
  secrets: ['password'],
  paths: [],
  formats: ['sql'],
});
