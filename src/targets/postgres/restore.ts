// The restore of a pg_dumpall dump: the decompressed dump streams into psql (through `docker exec -i` into the same
// container, or the same connection — or the server `restore --host/--port/--user` names), which stops at the first
// error; psql's own words make up the error message. `CREATE ROLE x;` for the roles the server already has is left
// out on the way (own-role.ts): the ALTER ROLE after it still applies the dump's attributes. A `.tar` of databases
// goes to restore-database.ts.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { plainStages } from '../../archive/codec.js';
import type { ArchiveRef, RestoreContext } from '../types.js';
import { checkOsUser, withConnection } from './commands.js';
import { feedSql } from './feed.js';
import { PostgresError } from './failures.js';
import { restoreDatabase } from './restore-database.js';
import type { PostgresTarget } from './schema.js';

/** Feeds a verified dump to psql (or, for a `.tar` of databases, the one `--database` through pg_restore). */
export async function restoreDump(ctx: RestoreContext, target: PostgresTarget, archive: ArchiveRef): Promise<void> {
  const config = withConnection(target, ctx.request);
  checkOsUser(config);
  if (archive.format === 'tar') return restoreDatabase(ctx, config, archive);
  if (archive.format !== 'sql') {
    throw new PostgresError(
      `target "${config.name}" restores pg_dumpall dumps (.sql.gz, .sql.zst) and per-database .tar archives, not .${archive.ext}`,
    );
  }
  if (ctx.request?.database !== undefined || ctx.request?.jobs !== undefined) {
    throw new PostgresError(
      `${basename(archive.path)} is a whole-cluster pg_dumpall dump: --database and --jobs apply to per-database .tar archives`,
    );
  }
  await feedSql(ctx, config, archive.path, createReadStream(archive.path), plainStages(archive));
  ctx.logger.info({ archive: archive.path }, 'restore finished');
}
