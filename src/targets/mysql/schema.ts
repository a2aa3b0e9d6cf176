import * as z from 'zod';
import { intLike, targetBaseShape } from '../../config/common.js';
import { clientShape, execUserNeedsContainer, notAnOption } from '../_dump/schema.js';
import { defineSpec } from '../types.js';

export const MysqlTarget = execUserNeedsContainer(
  z.strictObject({
    ...targetBaseShape,
    ...clientShape,
    type: z.literal('mysql'),
    /** `--user`; without it the client's own default (the OS user, or root in most containers). */
    user: notAnOption.max(80).optional(),
    /** Reaches the client as MYSQL_PWD in its environment (with docker: `docker exec -e MYSQL_PWD`), never argv. */
    password: z.string().min(1).optional(),
    host: notAnOption.optional(),
    port: intLike.pipe(z.number().int().min(1).max(65535)).optional(),
    /** Appended to the dump program's arguments as they are (each list item is one argument). */
    extra_args: z.array(z.string()).default([]),
  }),
);
export type MysqlTarget = z.infer<typeof MysqlTarget>;

export const mysqlSpec = defineSpec({
  type: 'mysql',
  schema: MysqlTarget,
  storage: 'archive',
  secrets: ['password'],
  paths: [],
  formats: ['sql'],
});
