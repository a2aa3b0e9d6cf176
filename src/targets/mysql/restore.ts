// The restore: the dump streams into mariadb (or mysql) through the same container or connection; the client
// stops at the first error and its words make up the message.
import { feedArchive } from '../_dump/feed.js';
import { withFallback } from '../_dump/fallback.js';
import type { ArchiveRef, RestoreContext } from '../types.js';
import { CLIENT_PROGRAMS, restoreCommand } from './commands.js';
import { mysqlError } from './dump.js';
import type { MysqlTarget } from './schema.js';

export async function restoreDump(ctx: RestoreContext, config: MysqlTarget, archive: ArchiveRef): Promise<void> {
  if (archive.format !== 'sql') {
    throw mysqlError(`target "${config.name}" restores SQL dumps (.sql.gz, .sql.zst), not .${archive.ext} archives`);
  }
  await withFallback(config, CLIENT_PROGRAMS, ctx.env, (program) =>
    feedArchive(ctx, archive, { place: config, program, command: restoreCommand(config, program), error: mysqlError }),
  );
}
