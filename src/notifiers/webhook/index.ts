// Notifier `webhooks`: the run report as JSON (n8n-friendly), or a `payload` template, to any URL. Credentials
// in the URL become a Basic authorization header, so they are never part of what is logged or sent as a URL.
import { renderJson } from '../template.js';
import { defineNotifier } from '../types.js';
import { splitCredentials } from '../url.js';
import type { RunView } from '../view.js';
import { WebhookEntry } from './schema.js';

/** The default payload (DESIGN §6): the view as the run report has it; `test: true` only for `notify --test`. */
export function defaultPayload(view: RunView): Record<string, unknown> {
  const { test, ...report } = view;
  return test ? { ...report, test: true } : report;
}

export const webhookNotifier = defineNotifier({
  kind: 'webhooks',
  schema: WebhookEntry,
  perTarget: true,
  secrets: ['url', 'headers.*'],

  compose(entry, view, ctx) {
    const template = entry.payload ?? ctx.defaults.payload;
    const json: unknown = template
      ? renderJson(template, ctx.values)
      : JSON.parse(ctx.redact(JSON.stringify(defaultPayload(view))));
    const { url, authorization } = splitCredentials(entry.url);
    const headers = { ...entry.headers };
    const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
    if (authorization && !hasAuth) headers.authorization = authorization;
    return {
      request: { method: entry.method, url, headers, json },
      preview: JSON.stringify(json, null, 2),
      secrets: authorization ? [url, authorization] : [],
    };
  },
});
