// Feeds bytes into a restoring client (psql or pg_restore) on its stdin and waits for it; the client's own words
// make up the error when it stops. What the client prints on stdout goes to ours (psql's results are already
// silenced by --output /dev/null), its stderr notes after it ends. SQL goes through psql without `CREATE ROLE x;`
// for the roles the server already has (own-role.ts).
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CommandSpec } from '../../exec/command.js';
import { startProcess } from '../../exec/runner.js';
import { messageTail } from '../../exec/tail.js';
import { errorMessage } from '../../util/errors.js';
import type { RestoreContext } from '../types.js';
import { restoreCommand } from './commands.js';
import { explainFailure, PostgresError } from './failures.js';
import { existingRoleStatements, OwnRoleFilter } from './own-role.js';
import { queryRows, ROLES_SQL } from './query.js';
import type { PostgresTarget } from './schema.js';

export interface FeedJob {
  program: string;
  command: CommandSpec;
  /** What is fed, for messages (`globals.sql of db-….tar`). */
  what: string;
  source: Readable;
  stages?: Transform[];
}

/** Streams `job.source` through `job.stages` into the client; throws with the client's errors when it fails. */
export async function feedClient(ctx: RestoreContext, config: PostgresTarget, job: FeedJob): Promise<void> {
  const child = startProcess(job.command, {
    signal: ctx.signal,
    redactor: ctx.redactor,
    logger: ctx.logger,
    env: ctx.env,
    stdin: 'pipe',
  });
  ctx.logger.info({ command: child.command, source: job.what }, 'restoring');
  child.stdout.on('data', (chunk: Buffer) => ctx.stdout.write(ctx.redactor.redact(chunk.toString('utf8'))));
  let feedError: unknown;
  try {
    if (!child.stdin) throw new PostgresError(`${job.program} has no stdin`);
    await pipeline([job.source, ...(job.stages ?? []), child.stdin], { signal: ctx.signal });
  } catch (error) {
    feedError = error;
    // The client exits by itself when it stopped at an error; anything else (abort, bad archive) stops it.
    const early = await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 2000, undefined))]);
    if (early === undefined) child.stop();
  }
  const exit = await child.exited;
  if (exit.exitCode !== 0) throw explainFailure(config, job.program, child.command, exit);
  if (feedError !== undefined) {
    throw new PostgresError(`could not feed ${job.what} to ${job.program}: ${errorMessage(feedError)}`, { cause: feedError });
  }
  const notes = messageTail(exit.stderr);
  if (notes) ctx.stderr.write(`${notes}\n`);
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
