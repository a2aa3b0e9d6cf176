// Notifier `healthchecks`: the ping protocol of healthchecks.io and most cron monitors — `<url>/start` when the
// run starts, `<url>` on success, `<url>/fail` on partial or total failure — with the run summary as the body.
// `notify --test` pings `<url>/log`, which healthchecks.io records without changing the check's state.
import type { RunEvent } from '../../report.js';
import { renderText } from '../template.js';
import { defaultText } from '../text.js';
import { defineNotifier } from '../types.js';
import { splitCredentials, withPathSuffix } from '../url.js';
import { HealthchecksEntry } from './schema.js';

/** healthchecks.io keeps the first 100 kB of a ping body. */
const BODY_LIMIT = 100_000;

const SUFFIX: Record<RunEvent, string> = {
  backup_start: '/start',
  backup_success: '',
  backup_partial_failure: '/fail',
  backup_critical_failure: '/fail',
};

export const healthchecksNotifier = defineNotifier({
  kind: 'healthchecks',
  schema: HealthchecksEntry,
  perTarget: false,
  secrets: ['url'],

  compose(entry, view, ctx) {
    const template = entry.body ?? ctx.defaults.body;
    const text = template ? renderText(template, ctx.values) : ctx.redact(defaultText(view));
    const { url, authorization } = splitCredentials(entry.url);
    const pingUrl = withPathSuffix(url, view.test ? '/log' : SUFFIX[view.event]);
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
    if (authorization) headers.authorization = authorization;
    return {
      request: { method: 'POST', url: pingUrl, headers, body: text.slice(0, BODY_LIMIT) },
      preview: text,
      secrets: [url, pingUrl, ...(authorization ? [authorization] : [])],
    };
  },
});
