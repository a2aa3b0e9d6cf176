// `restore <db>-<stamp>.tar --target T --database NAME [--jobs N]`: one database out of a per-database archive.
// The globals (roles, tablespaces) go first through psql — the database's owner and grantees must exist — with
// CREATE ROLE left out for roles the server already has; then pg_restore --create makes the database and fills it,
// stopping at the first error (a database of that name that exists already is one: restore into a fresh server,
// or drop it first). Without --database nothing runs: the error names the databases the archive holds (its verified
// manifest lists them). Past the verify that precedes every restore, the archive is read once: globals, then the database.
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { plainStages } from '../../archive/codec.js';
import { FILE_MODE } from '../../archive/atomic.js';
import { tempName } from '../../archive/names.js';
import type { FilePiece } from '../../restore/sparse-body.js';
import { readTar } from '../../restore/tar-reader.js';
import type { ArchiveRef, RestoreContext } from '../types.js';
import { pgRestoreCommand } from './commands.js';
import { feedClient, feedSql } from './feed.js';
import { PostgresError } from './failures.js';
import type { PostgresTarget } from './schema.js';
import { databaseMember, GLOBALS_MEMBER, memberDatabase } from './tar-members.js';

/** Reads the archive's plain tar stream (decrypted) entry by entry. */
async function readArchive(archive: ArchiveRef, onEntry: Parameters<typeof readTar>[1]): Promise<void> {
  const plain = new PassThrough();
  const read = pipeline([createReadStream(archive.path), ...plainStages(archive), plain]).catch((error: unknown) => error);
  try {
    await readTar(plain, onEntry);
  } finally {
    plain.destroy();
    await read;
  }
}

/** The databases a per-database archive holds, in archive order: its verified manifest says, else a read says. */
async function archivedDatabases(archive: ArchiveRef): Promise<string[]> {
  const members = archive.manifest?.source['members'];
  if (Array.isArray(members) && members.every((m) => typeof m === 'string')) {
    return members.map(memberDatabase).filter((db) => db !== undefined);
  }
  const databases: string[] = [];
  await readArchive(archive, (entry) => {
    const database = memberDatabase(entry.path);
    if (database !== undefined) databases.push(database);
    return Promise.resolve();
  });
  return databases;
}

/** A member's bytes in order; our members are never sparse, so a gap (a sparse entry) is refused, not zero-filled. */
async function* memberBytes(member: string, pieces: AsyncIterable<FilePiece>): AsyncGenerator<Buffer> {
  let at = 0;
  for await (const piece of pieces) {
    if (piece.offset !== at) throw new PostgresError(`${member} is stored as a sparse file: not a member we write`);
    at += piece.data.length;
    yield piece.data;
  }
}

/** One read of the archive: `use` is called, in archive order, with the body of each of `members` (the rest is skipped). */
async function withMembers(
  archive: ArchiveRef,
  members: readonly string[],
  use: (member: string, body: Readable) => Promise<void>,
): Promise<void> {
  const left = new Set(members);
  await readArchive(archive, async (entry, body) => {
    if (!left.delete(entry.path)) return;
    await use(entry.path, Readable.from(memberBytes(entry.path, body)));
  });
  const missing = [...left][0];
  if (missing !== undefined) throw new PostgresError(`${basename(archive.path)} holds no ${missing}`);
}

export async function restoreDatabase(ctx: RestoreContext, config: PostgresTarget, archive: ArchiveRef): Promise<void> {
  const name = basename(archive.path);
  const database = ctx.request?.database;
  const jobs = ctx.request?.jobs ?? 1;
  if (jobs > 1 && archive.identity !== undefined) {
    throw new PostgresError(
      `--jobs ${jobs}: a parallel pg_restore reads the dump from a file, and an encrypted archive is never decrypted to disk; restore with one job`,
    );
  }
  const held = await archivedDatabases(archive);
  const list = held.map((db) => JSON.stringify(db)).join(', ');
  if (database === undefined) {
    throw new PostgresError(`${name} holds the databases ${list}: choose one with --database NAME`);
  }
  if (!held.includes(database)) throw new PostgresError(`${name} holds no database "${database}"; it holds ${list}`);
  if (jobs > 1 && config.container !== undefined) {
    throw new PostgresError(
      `--jobs ${jobs}: a parallel pg_restore reads a file, which the container cannot see; restore with one job, or with the local client`,
    );
  }
  if (jobs > 1 && config.os_user !== undefined) {
    throw new PostgresError(
      `--jobs ${jobs}: a parallel restore as os_user ${config.os_user} is not supported; restore with one job`,
    );
  }
  const member = databaseMember(database);
  const what = `${member} of ${name}`;
  // pg_restore --jobs needs a seekable file: the dump goes next to the archive for the restore's length only.
  const file = jobs > 1 ? join(dirname(archive.path), tempName(`${database}.dump`)) : undefined;
  try {
    // The globals come first in the archive (the database's owner and grantees must exist), then the database.
    await withMembers(archive, [GLOBALS_MEMBER, member], async (entry, body) => {
      if (entry === GLOBALS_MEMBER) return feedSql(ctx, config, `${GLOBALS_MEMBER} of ${name}`, body, []);
      if (file !== undefined)
        return pipeline(body, createWriteStream(file, { flags: 'wx', mode: FILE_MODE }), { signal: ctx.signal });
      return feedClient(ctx, config, { program: 'pg_restore', command: pgRestoreCommand(config, { jobs }), what, source: body });
    });
    if (file !== undefined) {
      const command = pgRestoreCommand(config, { jobs, file });
      await feedClient(ctx, config, { program: 'pg_restore', command, what, source: Readable.from([]) });
    }
  } finally {
    if (file !== undefined) await rm(file, { force: true });
  }
  ctx.logger.info({ archive: archive.path, database }, 'restore finished');
}
