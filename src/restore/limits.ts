// Limits that stop a decompression bomb (gzip or zstd): the most bytes a restore inflates (default: the free space
// where it writes) and the largest compression ratio (default 200:1, checked once 64 MiB have been inflated, so
// small archives of highly compressible files are never refused). Deflate reaches about 1030:1 at most (zstd far
// more), so a bomb shows as a ratio far above what real backups have — except files full of zeros (sparse ones are
// stored sparse, so their holes never inflate), so the refusal names the option that lets it through.
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatBytes } from '../util/duration.js';

export const DEFAULT_MAX_RATIO = 200;
/** The ratio check starts once this many bytes have been inflated. */
export const RATIO_FLOOR = 64 * 1024 * 1024;

export interface RestoreLimits {
  /** The most uncompressed (tar) bytes a restore reads. */
  maxSize: number;
  /** The largest inflated:compressed ratio; 0 turns the check off. */
  maxRatio: number;
}

/** A limit that stopped a restore (a decompression bomb, or an archive too large for the limits). */
export class RestoreLimitError extends Error {
  override readonly name = 'RestoreLimitError';
}

/** Why the running totals break a limit, or undefined while they do not. */
export function limitProblem(limits: RestoreLimits, inflated: number, compressed: number): string | undefined {
  if (inflated > limits.maxSize) {
    return (
      `it decompresses to more than ${formatBytes(limits.maxSize)} (--max-size ${limits.maxSize}): if there is room for ` +
      'it, pass a larger --max-size (a size like 500m, 20g or 2t)'
    );
  }
  if (limits.maxRatio > 0 && inflated >= RATIO_FLOOR && compressed > 0 && inflated / compressed > limits.maxRatio) {
    const ratio = Math.round(inflated / compressed);
    return (
      `its decompression ratio reached ${ratio}:1 after ${formatBytes(inflated)}, above --max-ratio ${limits.maxRatio} ` +
      '(a decompression bomb?). Files full of zeros (preallocated images, zeroed disks; sparse files are stored ' +
      'sparse and do not count) compress this well too: if you trust this archive, pass --max-ratio 0 to turn the ' +
      'ratio check off (--max-size still applies)'
    );
  }
  return undefined;
}

/** Bytes free to an unprivileged writer on the file system that holds `dir` (or its nearest existing parent). */
export async function freeSpace(dir: string): Promise<number> {
  let path = dir;
  for (;;) {
    try {
      const stats = await statfs(path);
      return stats.bavail * stats.bsize;
    } catch (error) {
      const parent = dirname(path);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw error;
      path = parent;
    }
  }
}
