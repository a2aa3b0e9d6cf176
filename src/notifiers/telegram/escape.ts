// Escaping for Telegram's parse modes (core.telegram.org/bots/api#formatting-options), and the bold markup the
// default text uses in each of them.
import type { TextStyle } from '../text.js';
import type { ParseMode } from './schema.js';

/** HTML: `&`, `<`, `>` and `"` as the entities Telegram supports. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** MarkdownV2: every character Telegram reserves, and the backslash itself, behind a backslash. */
export function escapeMarkdownV2(text: string): string {
  return text.replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, '\\$&');
}

/** Legacy Markdown: only `_`, `*`, `` ` `` and `[` can be escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[_*`[]/g, '\\$&');
}

/** Escaping and bold markup for the default text in a parse mode. */
export function styleFor(mode: ParseMode): TextStyle {
  switch (mode) {
    case 'HTML':
      return { escape: escapeHtml, bold: (s) => `<b>${s}</b>` };
    case 'MarkdownV2':
      return { escape: escapeMarkdownV2, bold: (s) => `*${s}*` };
    case 'Markdown':
      return { escape: escapeMarkdown, bold: (s) => `*${s}*` };
    default:
      return { escape: (s) => s, bold: (s) => s };
  }
}
