// Notifications around a run: backup_start once the lock is held, the outcome event after the report is built,
// a forecast for dry runs, and the test messages of `notify --test`. Deliveries never change the exit code.
import { sendJson } from '../http/client.js';
import { hasNotifiers, notify, preview, type NotificationPreview, type NotifyDeps } from '../notifiers/notify.js';
import { forecastView, fromReport, startView, testView, type TargetRef } from '../notifiers/view.js';
import type { NotificationDelivery } from '../report.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { RunPhases } from './run.js';
import type { RunContext } from './run-target.js';

type NotifyContext = Pick<RunContext, 'config' | 'logger' | 'redactor' | 'now'>;

/** The notifiers' logger, redactor and HTTP client for this run. */
function deps(ctx: NotifyContext): NotifyDeps {
  return { logger: ctx.logger.child({ phase: 'notify' }), redactor: ctx.redactor, http: { sendJson } };
}

/** The fields of every view that come from the config, not from targets. */
const base = (ctx: NotifyContext) => ({ hostname: ctx.config.hostname, tool: { name: TOOL_NAME, version: TOOL_VERSION } });

/**
 * The run phases that send backup_start and the outcome event; the start records join the report at the end.
 * One notification deadline covers both: it starts with the first delivery of the run.
 */
export function notificationPhases(ctx: NotifyContext): RunPhases {
  const config = ctx.config.notifications;
  if (!hasNotifiers(config)) return {};
  const early: NotificationDelivery[] = [];
  let until: number | undefined;
  const deadline = (): number => (until ??= Date.now() + config.deadline);
  return {
    started: async (selected) => {
      early.push(...(await notify(config, startView(base(ctx), selected, ctx.now()), deps(ctx), {}, deadline())));
    },
    finished: async (report) => {
      const sent = await notify(config, fromReport(report), deps(ctx), {}, deadline());
      report.notifications.push(...early.splice(0), ...sent);
    },
  };
}

/** Dry run: the backup_start messages and those of the outcome the plans forecast, rendered, not sent. */
export function notificationForecast(
  ctx: NotifyContext,
  plans: readonly (TargetRef & { problems: readonly string[] })[],
): NotificationPreview[] {
  const config = ctx.config.notifications;
  const now = ctx.now();
  return [
    ...preview(config, { ...startView(base(ctx), plans, now), dry_run: true }, ctx.redactor),
    ...preview(config, forecastView(base(ctx), plans, now), ctx.redactor),
  ];
}

/** `notify --test`: one test message through every entry, whatever its events; one record each. */
export async function sendTestNotifications(ctx: NotifyContext, targets: readonly TargetRef[]): Promise<NotificationDelivery[]> {
  return notify(ctx.config.notifications, testView(base(ctx), targets, ctx.now()), deps(ctx), { everyEntry: true });
}
