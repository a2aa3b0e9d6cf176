// Target `sqlite`: a consistent online-backup copy of one database file, as `.db.gz`; restore writes
// <target>.db into --to DIR.
import { writeDecompressed } from '../_dump/write-file.js';
import { defineTarget } from '../types.js';
import { sqliteCheck } from './check.js';
import { copyDatabase } from './copy.js';
import { planSqlite } from './plan.js';
import { sqliteSpec } from './schema.js';

export const sqliteTarget = defineTarget({
  ...sqliteSpec,
  plan: planSqlite,
  backup: copyDatabase,
  check: (_format, env, options) => sqliteCheck('sqlite3', env, options),
  restoreTo: async (ctx, archive, dir) => {
    const target = archive.path
      .split('/')
      .at(-1)!
      .replace(/-\d{8}T\d{6}Z\..*$/, '');
    return [await writeDecompressed(ctx, archive, dir, `${target}.db`)];
  },
});
