// The restore: the decompressed dump streams into psql (through `docker exec -i` into the same container, or
// the same connection), which stops at the first error; psql's own words make up the error message. The one
// statement that always fails (CREATE ROLE for the role psql connects as) is left out on the way.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { plainStages } from '../../archive/codec.js';
import { startProcess } from '../../exec/runner.js';
import { messageTail } from '../../exec/tail.js';
import { errorMessage } from '../../util/errors.js';
import type { ArchiveRef, RestoreContext } from '../types.js';
import { restoreCommand } from './commands.js';
import { explainFailure, PostgresError } from './failures.js';
import { OwnRoleFilter, ownRoleStatements } from './own-role.js';
import type { PostgresTarget } from './schema.js';

/** Feeds a (verified) `.sql.gz` dump to psql; throws with psql's errors when it stops. */
export async function restoreDump(ctx: RestoreContext, config: PostgresTarget, archive: ArchiveRef): Promise<void> {
  if (archive.format !== 'sql') {
    throw new PostgresError(
      `target "${config.name}" restores pg_dumpall dumps (.sql.gz, .sql.zst), not .${archive.ext} archives`,
    );
  }
  const child = startProcess(restoreCommand(config), {
    signal: ctx.signal,
    redactor: ctx.redactor,
    logger: ctx.logger,
    env: ctx.env,
    stdin: 'pipe',
  });
  ctx.logger.info({ command: child.command, archive: archive.path }, 'restoring');
  child.stdout.on('data', (chunk: Buffer) => ctx.stdout.write(ctx.redactor.redact(chunk.toString('utf8'))));
  const filter = new OwnRoleFilter(ownRoleStatements(config.user));
  let feedError: unknown;
  try {
    if (!child.stdin) throw new PostgresError('psql has no stdin');
    await pipeline([createReadStream(archive.path), ...plainStages(archive), filter, child.stdin], { signal: ctx.signal });
  } catch (error) {
    feedError = error;
    // psql exits by itself when it stopped at an error; anything else (abort, bad archive) stops it.
    const early = await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 2000, undefined))]);
    if (early === undefined) child.stop();
  }
  const exit = await child.exited;
  if (exit.exitCode !== 0) throw explainFailure(config, 'psql', child.command, exit);
  if (feedError !== undefined) {
    throw new PostgresError(`could not feed ${archive.path} to psql: ${errorMessage(feedError)}`, { cause: feedError });
  }
  if (filter.skipped.length > 0) {
    ctx.logger.info({ skipped: filter.skipped }, 'left out statements about the role psql connects as (it exists)');
  }
  const notes = messageTail(exit.stderr);
  if (notes) ctx.stderr.write(`${notes}\n`);
  ctx.logger.info({ archive: archive.path }, 'restore finished');
}
