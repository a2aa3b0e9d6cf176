// Waiting on an observed event in a folder (inotify through fs.watch), never on a sleep.
import { watch } from 'node:fs';

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
