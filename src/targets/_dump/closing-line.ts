// A text dump that ends with its tool's closing line was written whole; one without it was cut short.
import { TailKeeper } from '../../archive/measure.js';
import type { ContentCheck } from '../../archive/content-check.js';

/** Whether the last bytes hold the closing line. */
export function hasClosingLine(tail: string, line: string): boolean {
  return tail.includes(line);
}

/** The content check of a text dump: its last 512 bytes must hold `line`. */
export function closingLineCheck(line: string, tool: string): ContentCheck {
  const tail = new TailKeeper(512);
  tail.resume();
  return {
    sink: tail,
    result: () =>
      hasClosingLine(tail.text(), line)
        ? Promise.resolve(null)
        : Promise.reject(new Error(`the dump lacks ${tool}'s closing line "${line}" (truncated dump)`)),
  };
}
