// The run lock: a file holding PID, host and start time, created atomically (link of a finished temp file).
// A live holder means exit 3; a holder whose PID is gone on this host is taken over with a warning.
import { hostname as osHostname } from 'node:os';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { LockHeldError } from '../util/errors.js';
import { tempName } from '../archive/names.js';
import { removeQuietly } from '../archive/atomic.js';

export interface LockInfo {
  pid: number;
  host: string;
  started_at: string;
  nonce: string;
}

export interface Lock {
  path: string;
  info: LockInfo;
  /** Set when a dead run's lock was taken over. */
  tookOverFrom: LockInfo | undefined;
  release(): Promise<void>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? (parsed as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws LockHeldError naming the holder. */
export async function acquireLock(path: string, now: Date = new Date()): Promise<Lock> {
  const host = osHostname();
  const info: LockInfo = {
    pid: process.pid,
    host,
    started_at: now.toISOString(),
    nonce: Math.random().toString(36).slice(2),
  };
  const temp = join(dirname(path), tempName(basename(path)));
  await writeFile(temp, JSON.stringify(info) + '\n', { mode: 0o600, flag: 'wx' });
  let tookOverFrom: LockInfo | undefined;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await link(temp, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      }
      const holder = await readLock(path);
      if (holder === undefined) {
        throw new LockHeldError(`the lock file ${path} exists but is unreadable; remove it if no snapshotter is running`);
      }
      if (holder.host !== host || processAlive(holder.pid)) {
        throw new LockHeldError(
          `another run holds the lock ${path} (pid ${holder.pid} on ${holder.host}, since ${holder.started_at})`,
        );
      }
      // The holder is dead. Remove its lock only if it is still the same one we read.
      const again = await readLock(path);
      if (again?.nonce === holder.nonce && again.pid === holder.pid) {
        await removeQuietly(path);
        tookOverFrom = holder;
      }
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const mine = await readLock(path);
  if (mine?.nonce !== info.nonce) throw new LockHeldError(`another run took the lock ${path} at the same moment`);
  return {
    path,
    info,
    tookOverFrom,
    release: async () => {
      const current = await readLock(path);
      if (current?.nonce === info.nonce) await removeQuietly(path);
    },
  };
}
