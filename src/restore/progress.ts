// A single progress line on a terminal (rewritten in place, at most a few times a second); nothing otherwise,
// so cron mail stays clean.
import { formatBytes } from '../util/duration.js';

export interface ProgressLine {
  update(text: string): void;
  done(): void;
}

const quiet: ProgressLine = { update: () => undefined, done: () => undefined };

/** A progress line on `stream` when it is a terminal. */
export function progressLine(stream: NodeJS.WritableStream, now: () => number = Date.now): ProgressLine {
  if (!(stream as { isTTY?: boolean }).isTTY) return quiet;
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(text) {
      const t = now();
      if (t - last < 200) return;
      last = t;
      shown = true;
      stream.write(`\r\x1b[2K${text}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** `restoring: 12.0 MiB of 40.0 MiB (30%), 120 entries` — sizes are the archive's compressed bytes. */
export function describeProgress(phase: string, done: number, total: number, entries?: number): string {
  const pct = total > 0 ? ` (${Math.min(100, Math.floor((done / total) * 100))}%)` : '';
  const count = entries === undefined ? '' : `, ${entries} entries`;
  return `${phase}: ${formatBytes(done)} of ${formatBytes(total)}${pct}${count}`;
}
