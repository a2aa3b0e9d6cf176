// Feeds bytes into a restoring client (psql or pg_restore) through the shared dump feed (_dump/feed.ts; psql's
// results are silenced by --output /dev/null). SQL goes through psql without `CREATE ROLE x;` for the roles the
// server already has (own-role.ts).
import type { Readable, Transform } from 'node:stream';
import type { CommandSpec } from '../../exec/command.js';
import { feedClient as feedDump, type FeedInput } from '../_dump/feed.js';
import type { RestoreContext } from '../types.js';
import { restoreCommand } from './commands.js';
import { postgresError } from './failures.js';
import { existingRoleStatements, OwnRoleFilter } from './own-role.js';
import { queryRows, ROLES_SQL } from './query.js';
import type { PostgresTarget } from './schema.js';

export interface FeedJob extends FeedInput {
  program: string;
  command: CommandSpec;
}

/** Streams `job.source` through `job.stages` into the client (the shared dump feed, with PostgreSQL's errors). */
export function feedClient(ctx: RestoreContext, config: PostgresTarget, job: FeedJob): Promise<void> {
  return feedDump(ctx, { place: config, program: job.program, command: job.command, error: postgresError }, job);
}

/** Feeds SQL (a whole dump, or the globals of a per-database archive) to psql, without CREATE ROLE for existing roles. */
export async function feedSql(
  ctx: RestoreContext,
  config: PostgresTarget,
  what: string,
  source: Readable,
  stages: Transform[],
): Promise<void> {
  const roles = await queryRows(ctx, config, ROLES_SQL);
  const filter = new OwnRoleFilter(existingRoleStatements(config.user, roles));
  await feedClient(ctx, config, {
    program: 'psql',
    command: restoreCommand(config),
    what,
    source,
    stages: [...stages, filter],
  });
  if (filter.skipped.length > 0) {
    ctx.logger.info(
      { skipped: filter.skipped },
      'left out CREATE ROLE for roles the server already has (ALTER ROLE still applies)',
    );
  }
}
