// The per-database backup (`databases: [...] | all`): `pg_dumpall --globals-only`, then `pg_dump -Fc` per database,
// packed as members of one plain `.tar` (pg_dump's custom format is already compressed: the archive is stored as
// it is). A tar header carries its member's size and pg_dump cannot say it beforehand, so each dump goes first into
// a hidden temporary file next to the archive (mode 0600, a temp name the next run removes after a crash, sealed
// with a key only this process holds: no plaintext of a dump lies on disk, which encryption promises), is checked
// whole (exit 0, PGDMP magic / closing line), streamed into the tar and removed — in every outcome.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ensureDir } from '../../archive/atomic.js';
import { tempName } from '../../archive/names.js';
import { SealedScratch } from '../../archive/sealed-scratch.js';
import type { CommandSpec } from '../../exec/command.js';
import { startProcess } from '../../exec/runner.js';
import { messageTail } from '../../exec/tail.js';
import { explainExit } from '../_dump/failures.js';
import type { BackupOutcome, TargetContext } from '../types.js';
import { checkOsUser, databaseDumpCommand, globalsCommand } from './commands.js';
import { PostgresError, postgresError } from './failures.js';
import { DATABASES_SQL, queryRows, type QueryContext } from './query.js';
import type { PostgresTarget } from './schema.js';
import { perDatabaseCheck, judgeMember } from './tar-check.js';
import { databaseMember, END_OF_ARCHIVE, GLOBALS_MEMBER, memberHeader, padding } from './tar-members.js';

interface MemberJob {
  member: string;
  program: string;
  command: CommandSpec;
}

/** The databases a run dumps: the list as configured, or every database that allows connections. */
export async function selectDatabases(ctx: QueryContext, config: PostgresTarget): Promise<string[]> {
  if (config.databases === undefined) return [];
  if (config.databases !== 'all') return config.databases;
  return queryRows(ctx, config, DATABASES_SQL);
}

/** First and last bytes of a finished dump file, for its completeness check. */
async function ends(scratch: SealedScratch, size: number): Promise<{ head: Buffer; tail: Buffer }> {
  const length = Math.min(512, size);
  return { head: await scratch.readRange(0, length), tail: await scratch.readRange(size - length, length) };
}

/** Runs one dump into `temp`; throws with the program's own words unless it exited 0 and the dump is whole. */
async function dumpToFile(
  ctx: TargetContext,
  config: PostgresTarget,
  job: MemberJob,
  scratch: SealedScratch,
  signal: AbortSignal,
) {
  const child = startProcess(job.command, { signal, redactor: ctx.redactor, logger: ctx.logger, env: ctx.env });
  ctx.logger.info({ command: child.command, member: job.member }, 'dumping');
  const written = scratch.write(child.stdout).catch((e: unknown) => e);
  const exit = await child.exited;
  const writeError = await written;
  if (exit.exitCode !== 0) throw explainExit(config, job.program, child.command, exit, postgresError);
  if (writeError) throw new PostgresError(`could not write ${scratch.path}`, { cause: writeError });
  const size = (await stat(scratch.path)).size;
  const { head, tail } = await ends(scratch, size);
  const problem = judgeMember(job.member, head, tail);
  if (problem !== undefined) throw new PostgresError(`${job.program} exited 0 but ${problem}: not kept (${child.command})`);
  const warning = messageTail(exit.stderr);
  if (warning) ctx.warn(`${job.program}_stderr`, warning);
  return size;
}

async function* members(ctx: TargetContext, config: PostgresTarget, jobs: MemberJob[], temps: Set<string>, signal: AbortSignal) {
  for (const job of jobs) {
    const temp = join(ctx.targetDir, tempName(`${ctx.target}.member`));
    temps.add(temp);
    try {
      const scratch = new SealedScratch(temp);
      const size = await dumpToFile(ctx, config, job, scratch, signal);
      yield memberHeader(job.member, size, ctx.now());
      for await (const chunk of scratch.read()) yield chunk as Buffer;
      yield padding(size);
    } finally {
      await rm(temp, { force: true });
      temps.delete(temp);
    }
  }
  yield END_OF_ARCHIVE;
}

/** Writes `<target>-<stamp>.tar` (globals + one custom-format dump per database), or throws and leaves nothing. */
export async function dumpDatabases(ctx: TargetContext, config: PostgresTarget): Promise<BackupOutcome> {
  checkOsUser(config);
  const databases = await selectDatabases(ctx, config);
  if (databases.length === 0) throw new PostgresError(`target "${config.name}": no database allows connections`);
  const jobs: MemberJob[] = [
    { member: GLOBALS_MEMBER, program: 'pg_dumpall', command: globalsCommand(config) },
    ...databases.map((db) => ({ member: databaseMember(db), program: 'pg_dump', command: databaseDumpCommand(config, db) })),
  ];
  await ensureDir(ctx.targetDir);
  // Stops a dump still running when the archive fails for another reason (a full disk).
  const control = new AbortController();
  const temps = new Set<string>();
  try {
    const info = await ctx.archive.write({
      format: 'tar',
      compress: false,
      check: perDatabaseCheck,
      source: Readable.from(members(ctx, config, jobs, temps, AbortSignal.any([ctx.signal, control.signal]))),
      describe: {
        host: config.host ?? null,
        port: config.port ?? null,
        user: config.user,
        container: config.container ?? null,
        databases,
        members: jobs.map((job) => job.member),
      },
      finish: () => ({ entries: jobs.length }),
    });
    return {
      artifact: info.name,
      size_bytes: info.size_bytes,
      sha256: info.sha256,
      details: { uncompressed_bytes: info.uncompressed_bytes, container: config.container ?? null, databases },
    };
  } finally {
    control.abort();
    for (const temp of temps) await rm(temp, { force: true });
  }
}
