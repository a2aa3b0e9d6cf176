import * as z from 'zod';
import { entryBaseShape, per, textTemplate } from '../common.js';
import { httpUrl } from '../url.js';

export const PARSE_MODES = ['HTML', 'MarkdownV2', 'Markdown', 'none'] as const;
export type ParseMode = (typeof PARSE_MODES)[number];

export const TelegramEntry = z.strictObject({
  ...entryBaseShape,
  per: per.optional(),
  bot_token: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456789:AAH... (the token @BotFather gave)'),
  chat_id: z.union([z.number().int(), z.string().min(1)]),
  api_url: httpUrl.default('https://api.telegram.org'),
  parse_mode: z.enum(PARSE_MODES).default('HTML'),
  message: textTemplate.optional(),
  disable_notification: z.boolean().optional(),
});
export type TelegramEntry = z.infer<typeof TelegramEntry>;
