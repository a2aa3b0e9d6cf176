// Atomic file writes: a temporary name in the same folder, fsync, then rename (or link, to never overwrite).
import { constants } from 'node:fs';
import { link, mkdir, open, rename, stat, unlink, chmod } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tempName } from './names.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Creates a folder (and parents) with mode 0700 when it does not exist; an existing folder is left as it is. */
export async function ensureDir(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) throw new Error(`${path} exists and is not a folder`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path, { recursive: true, mode: DIR_MODE });
    await chmod(path, DIR_MODE);
  }
}

/** fsyncs a folder so that a rename inside it survives a power cut. */
export async function syncDir(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a small file atomically with mode 0600 (or `mode`, whatever the umask): temp file, fsync, rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const temp = join(dirname(path), tempName(basename(path)));
  const handle = await open(temp, 'wx', FILE_MODE);
  try {
    if (options.mode !== undefined) await handle.chmod(options.mode);
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Gives a finished temp file its final name without ever replacing an existing file (EEXIST instead). */
export async function commitNoClobber(temp: string, path: string): Promise<void> {
  await link(temp, path);
  await unlink(temp);
}

/** Removes a file, ignoring one that is already gone. */
export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
