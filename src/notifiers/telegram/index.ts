// Notifier `telegram`: Bot API sendMessage with the default text or a `message` template, every interpolated
// value escaped for the parse mode, cut to Telegram's limit. The token lives in the URL path and is a secret.
import { renderText } from '../template.js';
import { defaultText } from '../text.js';
import { defineNotifier } from '../types.js';
import { cutForTelegram } from './cut.js';
import { styleFor } from './escape.js';
import { TelegramEntry } from './schema.js';

/** Telegram's answer to a 2xx: `{ ok: true, result }`; anything else was not delivered. */
function rejected(body: unknown): string | null {
  const b = (body && typeof body === 'object' ? body : {}) as { ok?: unknown; description?: unknown };
  if (b.ok === true) return null;
  return `Telegram did not accept the message${typeof b.description === 'string' ? `: ${b.description}` : ''}`;
}

export const telegramNotifier = defineNotifier({
  kind: 'telegram',
  schema: TelegramEntry,
  perTarget: true,
  secrets: ['bot_token'],

  compose(entry, view, ctx) {
    const style = styleFor(entry.parse_mode);
    const template = entry.message ?? ctx.defaults.message;
    const rendered = template ? renderText(template, ctx.values, style.escape) : ctx.redact(defaultText(view, style));
    const text = cutForTelegram(rendered.trim() === '' ? style.escape('(empty message)') : rendered, entry.parse_mode);
    const json: Record<string, unknown> = {
      chat_id: entry.chat_id,
      text,
      link_preview_options: { is_disabled: true },
    };
    if (entry.parse_mode !== 'none') json.parse_mode = entry.parse_mode;
    if (entry.disable_notification !== undefined) json.disable_notification = entry.disable_notification;
    const base = entry.api_url.replace(/\/+$/, '');
    return {
      request: { method: 'POST', url: `${base}/bot${entry.bot_token}/sendMessage`, json },
      preview: text,
      secrets: [],
      rejected,
    };
  },
});
