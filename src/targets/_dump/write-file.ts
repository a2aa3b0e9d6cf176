// Writes a decompressed archive as one file into --to DIR (a Redis dump.rdb, a SQLite database): under a
// temporary name first, renamed when whole; an existing file is replaced only with --force.
import { createReadStream, createWriteStream } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { plainStages } from '../../archive/codec.js';
import type { ArchiveRef, RestoreToContext } from '../types.js';

export async function writeDecompressed(ctx: RestoreToContext, archive: ArchiveRef, dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists && !ctx.force) throw new Error(`${path} exists; pass --force to replace it`);
  const temp = join(dir, `.${name}.snapshotter-restore-${process.pid}`);
  try {
    await pipeline(
      [createReadStream(archive.path), ...plainStages(archive), createWriteStream(temp, { flags: 'wx', mode: 0o600 })],
      {
        signal: ctx.signal,
      },
    );
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
  return path;
}
