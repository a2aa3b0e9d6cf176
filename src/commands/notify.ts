// `snapshotter notify --test`: one test message through every configured notifier, each delivery's result
// printed; exit 1 when any failed (or none is configured), 0 when all arrived.
import { openSession, type GlobalOptions, type Io } from '../app.js';
import { sendTestNotifications } from '../orchestrator/notify.js';
import { EXIT } from '../report.js';
import { UsageError } from '../util/errors.js';
import { formatDelivery } from './format.js';

export interface NotifyOptions extends GlobalOptions {
  test?: boolean;
}

/** Sends the test messages and prints one line per delivery. */
export async function notifyCommand(options: NotifyOptions, io: Io): Promise<number> {
  if (!options.test) throw new UsageError('notify needs --test (it sends a test message through every configured notifier)');
  const session = await openSession(options, io);
  try {
    const run = { config: session.config, logger: session.log.logger, redactor: session.redactor, now: () => new Date() };
    const deliveries = await sendTestNotifications(run, session.config.targets);
    if (options.json) {
      io.stdout.write(JSON.stringify({ deliveries }, null, 2) + '\n');
    } else if (deliveries.length === 0) {
      io.stdout.write('no notifiers configured: add webhooks, telegram or healthchecks under notifications:\n');
    } else {
      for (const d of deliveries) io.stdout.write(`${d.ok ? 'ok  ' : 'FAIL'} ${formatDelivery(d)}\n`);
      const failed = deliveries.filter((d) => !d.ok).length;
      io.stdout.write(`${deliveries.length - failed} of ${deliveries.length} test messages delivered\n`);
    }
    return deliveries.length > 0 && deliveries.every((d) => d.ok) ? EXIT.ok : EXIT.failure;
  } finally {
    await session.log.close();
  }
}
