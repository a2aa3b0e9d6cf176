// Test data files: incompressible random bytes, written a MiB at a time (long backups for timing-sensitive tests:
// signals, timeouts, locks, crashes), and sparse files (data regions, holes everywhere else).
import { closeSync, openSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
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

/** A sparse file of `size` bytes holding `regions` (offset → bytes) and holes everywhere else. */
export function sparseFile(path: string, size: number, regions: [number, Buffer][]): void {
  writeFileSync(path, '');
  truncateSync(path, size);
  const fd = openSync(path, 'r+');
  try {
    for (const [offset, data] of regions) writeSync(fd, data, 0, data.length, offset);
  } finally {
    closeSync(fd);
  }
}
