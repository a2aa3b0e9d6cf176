// Snapshotter's own files never go into a filesystem backup: the backup folder (earlier archives, their temp
// files), the lock file and its temp files. They are recognised by identity (device and inode), so a symbolic
// link or a second spelling of the path does not hide them. The walk reports what it left out, once.
import { lstat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Stats } from 'node:fs';
import { isTempName } from '../../archive/names.js';
import { toByteString } from '../../util/byte-names.js';

export interface OwnFiles {
  /** True for the backup folder itself. */
  isBackupDir(stat: Stats): boolean;
  /** True for the lock file or a temp file of it, given the folder's stat and the entry's name (a byte string). */
  isLockFile(dirStat: Stats, name: string): boolean;
}

const identity = (stat: { dev: number; ino: number }): string => `${stat.dev}:${stat.ino}`;

async function identityOf(path: string): Promise<string | undefined> {
  return lstat(path).then(identity, () => undefined);
}

/** What to leave out, from the configured backup folder and lock file (either may not exist yet). */
export async function ownFiles(backupDir: string, lockFile: string | undefined): Promise<OwnFiles> {
  const backup = await identityOf(backupDir);
  const lockDir = lockFile === undefined ? undefined : await identityOf(dirname(lockFile));
  const lockName = lockFile === undefined ? '' : toByteString(basename(lockFile));
  return {
    isBackupDir: (stat) => backup !== undefined && identity(stat) === backup,
    isLockFile: (dirStat, name) =>
      lockDir !== undefined &&
      identity(dirStat) === lockDir &&
      (name === lockName || (isTempName(name) && name.startsWith(`.${lockName}`))),
  };
}

/** Leaves nothing out (tests and callers without a backup folder). */
export const NO_OWN_FILES: OwnFiles = { isBackupDir: () => false, isLockFile: () => false };
