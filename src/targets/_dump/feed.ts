// The shared restore of dump-style targets: the decompressed dump (or any stream, such as one member of an
// archive) flows into a client's stdin (through `docker exec -i` or locally); the client's own words make up the
// error when it stops. What the client prints on stdout goes to ours, its stderr notes after it ends.
import { createReadStream } from 'node:fs';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { plainStages } from '../../archive/codec.js';
import type { CommandSpec } from '../../exec/command.js';
import { startProcess } from '../../exec/runner.js';
import { messageTail } from '../../exec/tail.js';
import { errorMessage } from '../../util/errors.js';
import type { ArchiveRef, RestoreContext } from '../types.js';
import type { ClientPlace } from './client.js';
import { DumpError, explainExit } from './failures.js';

export interface FeedJob {
  place: ClientPlace;
  program: string;
  command: CommandSpec;
  error?: (message: string, options?: ErrorOptions) => Error;
}

/** What a client is fed: `what` names it in messages (an archive's path, `globals.sql of db-….tar`). */
export interface FeedInput {
  what: string;
  source: Readable;
  stages?: Transform[];
}

/** Feeds a verified dump (decrypted, decompressed) to the client; throws with the client's errors when it stops. */
export function feedArchive(ctx: RestoreContext, archive: ArchiveRef, job: FeedJob): Promise<void> {
  return feedClient(ctx, job, { what: archive.path, source: createReadStream(archive.path), stages: plainStages(archive) });
}

/** Streams `input.source` through its stages into the client; throws with the client's errors when it stops. */
export async function feedClient(ctx: RestoreContext, job: FeedJob, input: FeedInput): Promise<void> {
  const make = job.error ?? ((message: string, options?: ErrorOptions) => new DumpError(message, options));
  const child = startProcess(job.command, {
    signal: ctx.signal,
    redactor: ctx.redactor,
    logger: ctx.logger,
    env: ctx.env,
    stdin: 'pipe',
  });
  ctx.logger.info({ command: child.command, source: input.what }, 'restoring');
  child.stdout.on('data', (chunk: Buffer) => ctx.stdout.write(ctx.redactor.redact(chunk.toString('utf8'))));
  let feedError: unknown;
  try {
    if (!child.stdin) throw make(`${job.program} has no stdin`);
    await pipeline([input.source, ...(input.stages ?? []), child.stdin], { signal: ctx.signal });
  } catch (error) {
    feedError = error;
    // The client exits by itself when it stopped at an error; anything else (abort, bad archive) stops it.
    const early = await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 2000, undefined))]);
    if (early === undefined) child.stop();
  }
  const exit = await child.exited;
  if (exit.exitCode !== 0) {
    throw explainExit(
      job.place,
      job.program,
      child.command,
      exit,
      make,
      `${job.program} failed: the restore stopped at the first error`,
    );
  }
  if (feedError !== undefined) {
    throw make(`could not feed ${input.what} to ${job.program}: ${errorMessage(feedError)}`, { cause: feedError });
  }
  const notes = messageTail(exit.stderr);
  if (notes) ctx.stderr.write(`${notes}\n`);
  ctx.logger.info({ source: input.what }, 'restore finished');
}
