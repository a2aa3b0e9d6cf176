// Incompressible test data: a file of random bytes, written a MiB at a time (long backups for timing-sensitive
// tests: signals, timeouts, locks, crashes).
import { closeSync, openSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';

export function randomFile(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    for (let i = 0; i < mib; i++) writeSync(fd, randomFillSync(chunk));
  } finally {
    closeSync(fd);
  }
}
