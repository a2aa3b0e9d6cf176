// Telegram rejects a text over 4096 characters. A longer one is cut at a line break where possible, never inside
// an HTML tag, entity, escape or surrogate pair, open HTML tags are closed, and a marker says it was cut.
import { styleFor } from './escape.js';
import type { ParseMode } from './schema.js';

export const TELEGRAM_LIMIT = 4096;
const MARKER = '… [cut: the message was longer than Telegram allows]';

/** HTML tags left open at the end of `text`, innermost last. */
function openTags(text: string): string[] {
  const stack: string[] = [];
  for (const match of text.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>/g)) {
    const name = match[2]!.toLowerCase();
    if (match[1] === '/') {
      const at = stack.lastIndexOf(name);
      if (at >= 0) stack.splice(at);
    } else {
      stack.push(name);
    }
  }
  return stack;
}

/** `text` shortened to at most `max` characters without breaking markup. */
function safePrefix(text: string, max: number, mode: ParseMode): string {
  let cut = text.slice(0, max);
  const newline = cut.lastIndexOf('\n');
  if (newline > max * 0.8) cut = cut.slice(0, newline);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  if (mode === 'HTML') cut = cut.replace(/<[^>]*$/, '').replace(/&[a-zA-Z0-9#]*$/, '');
  if (mode === 'MarkdownV2' || mode === 'Markdown') {
    const slashes = /\\+$/.exec(cut)?.[0].length ?? 0;
    if (slashes % 2 === 1) cut = cut.slice(0, -1);
  }
  return cut;
}

/** The text as it may be sent: unchanged when it fits, else cut with a marker. */
export function cutForTelegram(text: string, mode: ParseMode, limit = TELEGRAM_LIMIT): string {
  if (text.length <= limit) return text;
  const marker = `\n${styleFor(mode).escape(MARKER)}`;
  let budget = limit - marker.length;
  for (;;) {
    const head = safePrefix(text, budget, mode);
    const closers =
      mode === 'HTML'
        ? openTags(head)
            .reverse()
            .map((t) => `</${t}>`)
            .join('')
        : '';
    const out = `${head}${closers}${marker}`;
    if (out.length <= limit) return out;
    budget -= out.length - limit;
  }
}
