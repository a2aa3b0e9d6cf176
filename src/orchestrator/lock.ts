// The run lock: a file holding PID, host, boot id, process start time and a nonce, created atomically (link of a
// finished, fsynced temp file). A live holder means exit 3; a holder that is provably gone (another boot, a dead or
// reused PID, an empty or unreadable file older than a minute) is taken over with a warning.
import { hostname as osHostname } from 'node:os';
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { LockHeldError } from '../util/errors.js';
import { tempName } from '../archive/names.js';
import { removeQuietly, syncDir } from '../archive/atomic.js';
import { bootId, holderGone, parseLock, processStart, type LockInfo } from './lock-holder.js';

export type { LockInfo };

/** An empty or unreadable lock file younger than this may be one being written: wait for it. */
export const UNREADABLE_LOCK_GRACE_MS = 60_000;

export interface TakeOver {
  /** The dead holder, when its lock could be read. */
  holder: LockInfo | undefined;
  reason: string;
}

export interface Lock {
  path: string;
  info: LockInfo;
  /** Set when a dead run's lock was taken over. */
  tookOverFrom: TakeOver | undefined;
  release(): Promise<void>;
}

/** The lock file as it is now: its text and identity, or undefined when there is none. */
async function readRaw(path: string): Promise<{ text: string; ino: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(path);
    return { text: await readFile(path, 'utf8'), ino: info.ino, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes our lock content under a temp name, fsynced, so the linked lock is never seen half-written. */
async function writeTemp(temp: string, info: LockInfo): Promise<void> {
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(info) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The first temp file; failing, an error that names the lock file's folder (a custom lock_file may be anywhere). */
async function writeFirstTemp(temp: string, path: string, info: LockInfo): Promise<void> {
  try {
    await writeTemp(temp, info);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `is not writable (${code ?? String(error)})`;
    throw new Error(`the folder of the lock file ${path}, ${dirname(path)}, ${why}`, { cause: error });
  }
}

/** Links the temp file to the lock name; recreates the temp file when another run's cleanup removed it. */
async function linkLock(temp: string, path: string, info: LockInfo): Promise<'linked' | 'exists'> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await link(temp, path);
      return 'linked';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return 'exists';
      if (code !== 'ENOENT' || attempt >= 5) throw error;
      await writeTemp(temp, info);
    }
  }
}

/** Takes the lock or throws LockHeldError naming the holder. */
export async function acquireLock(path: string, now: Date = new Date()): Promise<Lock> {
  const host = osHostname();
  const boot = await bootId();
  const info: LockInfo = {
    pid: process.pid,
    host,
    started_at: now.toISOString(),
    nonce: Math.random().toString(36).slice(2),
    boot_id: boot,
    pid_start: await processStart(process.pid),
  };
  const temp = join(dirname(path), tempName(basename(path)));
  await writeFirstTemp(temp, path, info);
  let tookOverFrom: TakeOver | undefined;
  try {
    for (let attempt = 0; ; attempt += 1) {
      if ((await linkLock(temp, path, info)) === 'linked') break;
      if (attempt >= 3) throw new LockHeldError(`another run took the lock ${path} at the same moment`);
      const raw = await readRaw(path);
      if (raw === undefined) continue;
      const holder = parseLock(raw.text);
      let reason: string | undefined;
      if (holder === undefined) {
        const age = Date.now() - raw.mtimeMs;
        if (age < UNREADABLE_LOCK_GRACE_MS) {
          throw new LockHeldError(
            `the lock file ${path} is empty or unreadable and less than a minute old; another run may be writing it`,
          );
        }
        reason = raw.text.trim() === '' ? 'the lock file was empty' : 'the lock file was unreadable';
      } else {
        reason = await holderGone(holder, { host, boot_id: boot });
        if (reason === undefined) {
          throw new LockHeldError(
            `another run holds the lock ${path} (pid ${holder.pid} on ${holder.host}, since ${holder.started_at})`,
          );
        }
      }
      // The holder is gone. Remove its lock only if it is still the same file we judged.
      const again = await readRaw(path);
      if (again?.ino === raw.ino && again.text === raw.text) {
        await removeQuietly(path);
        tookOverFrom = { holder, reason };
      }
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDir(dirname(path)).catch(() => undefined);
  const mine = parseLock((await readRaw(path))?.text ?? '');
  if (mine?.nonce !== info.nonce) throw new LockHeldError(`another run took the lock ${path} at the same moment`);
  return {
    path,
    info,
    tookOverFrom,
    release: async () => {
      const current = parseLock((await readRaw(path))?.text ?? '');
      if (current?.nonce === info.nonce) await removeQuietly(path);
    },
  };
}
