// The size-drop guard: a new archive far smaller than the target's previous complete backup usually means the
// source lost data (a dropped table, an emptied folder). The backup still succeeds; the result carries a warning.
import { readCatalog } from '../archive/catalog.js';
import { isFutureDated } from '../retention/future.js';
import { formatBytes } from '../util/duration.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../logging/logger.js';

export const SUSPICIOUS_SHRINK = 'suspicious_shrink';

export interface SizeDropInput {
  targetDir: string;
  target: string;
  /** `min_size_ratio`: flag archives under this fraction of the previous one; 0 disables the guard. */
  minRatio: number;
  /** The archive this run wrote. */
  artifact: string;
  size_bytes: number | null;
  warn(code: string, message: string): void;
  now: () => Date;
  logger: Logger;
}

/** Compares the new archive with the newest other complete backup of the target and warns on a large drop. */
export async function checkSizeDrop(input: SizeDropInput): Promise<void> {
  if (input.minRatio <= 0 || input.size_bytes === null) return;
  let previous;
  try {
    const catalog = await readCatalog(input.targetDir, input.target);
    const now = input.now();
    previous = catalog.complete.find((b) => b.name !== input.artifact && !isFutureDated(b.time, now));
  } catch (error) {
    input.logger.warn({ error: errorMessage(error) }, 'size-drop guard: cannot read the previous backups');
    return;
  }
  if (!previous || previous.size_bytes <= 0) return;
  const ratio = input.size_bytes / previous.size_bytes;
  if (ratio >= input.minRatio) return;
  input.warn(
    SUSPICIOUS_SHRINK,
    `new archive ${input.artifact} is ${formatBytes(input.size_bytes)}, ${(ratio * 100).toFixed(1)}% of the previous backup ` +
      `${previous.name} (${formatBytes(previous.size_bytes)}), under min_size_ratio ${input.minRatio}: check that the source is intact`,
  );
}
