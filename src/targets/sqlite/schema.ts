import * as z from 'zod';
import { targetBaseShape } from '../../config/common.js';
import { defineSpec } from '../types.js';

export const SqliteTarget = z.strictObject({
  ...targetBaseShape,
  type: z.literal('sqlite'),
  /** The database file (WAL databases included); relative paths are read from the config file's folder. */
  path: z
    .string()
    .min(1)
    .refine((p) => p.startsWith('/'), 'must be an absolute path'),
  /** The sqlite3 shell: one program name or path. */
  sqlite3_command: z
    .string()
    .regex(/^[^\s-][^\s]*$/, 'must be one program name or path, without arguments')
    .default('sqlite3'),
});
export type SqliteTarget = z.infer<typeof SqliteTarget>;

export const sqliteSpec = defineSpec({
  type: 'sqlite',
  schema: SqliteTarget,
  storage: 'archive',
  secrets: [],
  paths: ['path'],
  formats: ['db'],
});
