// `restore ARCHIVE --to DIR`: the RDB file, decompressed, as DIR/dump.rdb (written under a temporary name, then
// renamed); the operator stops Redis, puts it in its `dir` and starts Redis again (README).
import { createReadStream, createWriteStream } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ArchiveRef, RestoreToContext } from '../types.js';
import { RedisError } from './dump.js';

export const RESTORED_NAME = 'dump.rdb';

/** Writes DIR/<name> from a (verified) compressed archive, atomically; refuses to replace a file without force. */
export async function writeDecompressed(ctx: RestoreToContext, archive: ArchiveRef, dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists && !ctx.force) throw new RedisError(`${path} exists; pass --force to replace it`);
  const temp = join(dir, `.${name}.snapshotter-restore-${process.pid}`);
  try {
    const stages = archive.ext.endsWith('.gz') ? [createGunzip()] : [];
    await pipeline([createReadStream(archive.path), ...stages, createWriteStream(temp, { flags: 'wx', mode: 0o600 })], {
      signal: ctx.signal,
    });
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
  return path;
}

export async function restoreRdb(ctx: RestoreToContext, archive: ArchiveRef, dir: string): Promise<string[]> {
  return [await writeDecompressed(ctx, archive, dir, RESTORED_NAME)];
}
