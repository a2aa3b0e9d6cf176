// Waiting on an observed event in a folder (inotify through fs.watch), never on a sleep.
import { readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';

/**
 * Resolves once `holds()` is true, checking now and after every change in `dir` (files created, written, removed).
 * Rejects when `abandon` settles first (e.g. the process that should cause the change exited).
 */
export function whenDir(dir: string, holds: () => boolean, abandon?: PromiseLike<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir);
    const done = (error?: Error): void => {
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const check = (): void => {
      try {
        if (holds()) done();
      } catch (error) {
        done(error as Error);
      }
    };
    watcher.on('change', check);
    watcher.on('error', (error) => done(error));
    void abandon?.then(() => done(new Error(`gave up waiting on ${dir}: the process exited first`)));
    check();
  });
}

/** The temporary files (`.snapshotter-tmp-`) in a folder. */
export const tempFiles = (folder: string): string[] => readdirSync(folder).filter((n) => n.includes('.snapshotter-tmp-'));

/**
 * Resolves with the name of a temporary file in `folder` (not one of `before`) once it holds at least `bytes`: the
 * run is writing its archive. Rejects when `abandon` (the run) settles first.
 */
export async function whenTempHolds(
  folder: string,
  bytes: number,
  abandon: PromiseLike<unknown>,
  before: ReadonlySet<string> = new Set(),
): Promise<string> {
  let found: string | undefined;
  const size = (name: string): number => {
    try {
      return statSync(join(folder, name)).size;
    } catch {
      return -1; // renamed or removed meanwhile
    }
  };
  await whenDir(folder, () => (found = tempFiles(folder).find((n) => !before.has(n) && size(n) >= bytes)) !== undefined, abandon);
  return found!;
}
