// The log file: always the configured path (so `tail -f` follows it), mode 0600, rotated when a command starts and
// the file has reached max_size: `<file>.1` is the previous one, up to `<file>.<max_files-1>`; older ones go.
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface LogFileOptions {
  path: string;
  /** Rotate at start once the file is at least this many bytes. */
  maxSize: number;
  /** Files kept in all, the current one included. */
  maxFiles: number;
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Shifts `<file>` → `<file>.1` → … and drops what is beyond max_files. */
function rotate(options: LogFileOptions): void {
  const { path, maxFiles } = options;
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(dirname(path))) {
    const n = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
    if (Number.isInteger(n) && n >= maxFiles) removeIfThere(join(dirname(path), name));
  }
  if (maxFiles <= 1) return removeIfThere(path);
  removeIfThere(`${path}.${maxFiles - 1}`);
  for (let n = maxFiles - 2; n >= 1; n -= 1) {
    if (sizeOf(`${path}.${n}`) !== undefined) renameSync(`${path}.${n}`, `${path}.${n + 1}`);
  }
  renameSync(path, `${path}.1`);
}

/** Creates the folder (0700), rotates when due, and opens the file for appending; returns its descriptor. */
export function openLogFile(options: LogFileOptions): number {
  mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
  const size = sizeOf(options.path);
  if (size !== undefined && size >= options.maxSize) rotate(options);
  const fd = openSync(options.path, 'a', 0o600);
  try {
    chmodSync(options.path, 0o600);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}
