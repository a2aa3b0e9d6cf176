import { z } from 'zod';
import { intLike, targetBaseShape } from '../../config/common.js';
import { defineSpec } from '../types.js';

/** Docker's own rule for container names (ids match it too). */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const NOT_AN_OPTION = /^[^-\s]/;

export const MysqlTarget = z
  .strictObject({
    ...targetBaseShape,
    type: z.literal('mysql'),
    /** `docker exec <container> mariadb-dump ...`; without it the local client connects to host/port. */
    container: z
      .string()
      .max(255)
      .regex(CONTAINER_NAME, 'must be a container name or id matching [a-zA-Z0-9][a-zA-Z0-9_.-]*')
      .optional(),
    /** `--user`; without it the client's own default (the OS user, or root in most containers). */
    user: z.string().min(1).max(80).regex(NOT_AN_OPTION, 'must not start with "-" or a space').optional(),
    /** Reaches the client as MYSQL_PWD in its environment (with docker: `docker exec -e MYSQL_PWD`), never argv. */
    password: z.string().min(1).optional(),
    host: z.string().min(1).regex(NOT_AN_OPTION, 'must not start with "-" or a space').optional(),
    port: intLike.pipe(z.number().int().min(1).max(65535)).optional(),
    /** Appended to the dump program's arguments as they are (each list item is one argument). */
    extra_args: z.array(z.string()).default([]),
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
export type MysqlTarget = z.infer<typeof MysqlTarget>;

export const mysqlSpec = defineSpec({
  type: 'mysql',
  schema: MysqlTarget,
  storage: 'archive',
  secrets: ['password'],
  paths: [],
  formats: ['sql'],
});
