// `snapshotter run`: back up, or with --dry-run show the plan.
import { openSession, selectTargets, type GlobalOptions, type Io, runContext } from '../app.js';
import { planRunHooks } from '../hooks/plan.js';
import { planTargets } from '../orchestrator/dry-run.js';
import { pruneTargets, retentionPhases } from '../orchestrator/retention.js';
import { metricsPhases } from '../metrics/index.js';
import { notificationForecast, notificationPhases } from '../orchestrator/notify.js';
import { composePhases, runBackups } from '../orchestrator/run.js';
import type { RunContext } from '../orchestrator/run-target.js';
import { terminalProgress } from '../progress/display.js';
import { remotePhases } from '../remotes/phase.js';
import { formatRemotePlans, planRemotes } from '../remotes/plan.js';
import { EXIT, exitCodeFor } from '../report.js';
import { READ_COMMAND_DEADLINE_MS, withDeadline } from '../util/deadline.js';
import { formatNotificationPreviews, formatPlans, formatReport } from './format.js';
import { formatPrunes } from './retention-format.js';
import { interruptOnSignals } from './signals.js';

export interface RunOptions extends GlobalOptions {
  dryRun?: boolean;
  target?: string[];
}

export async function runCommand(options: RunOptions, io: Io): Promise<number> {
  const progress = terminalProgress(io.stderr, options.json === true);
  const session = await openSession(options, progress ? { ...io, stderr: progress.stream() } : io, {
    logFile: options.dryRun !== true,
  });
  const { config, log } = session;
  const interrupt = interruptOnSignals();
  try {
    const selected = selectTargets(config.targets, options.target);
    const run: RunContext = {
      ...runContext(session, io, interrupt.signal),
      progress: progress && ((t) => progress.track(t)),
    };
    if (options.dryRun) {
      run.signal = withDeadline(READ_COMMAND_DEADLINE_MS, 'run --dry-run', interrupt.signal);
      const plans = await planTargets(run, selected);
      const retention = await pruneTargets(run, selected, { dryRun: true, withNewBackup: true });
      const notifications = notificationForecast(run, plans);
      const hooks = planRunHooks(config.hooks, run.redactor);
      const remotes = await planRemotes(run, selected);
      io.stdout.write(
        options.json
          ? JSON.stringify({ dry_run: true, targets: plans, retention, remotes, notifications, hooks }, null, 2) + '\n'
          : formatPlans(plans, hooks) +
              formatPrunes(retention, 'retention after a successful backup') +
              formatRemotePlans(remotes) +
              formatNotificationPreviews(notifications),
      );
      return plans.some((p) => p.problems.length > 0) || remotes.some((r) => r.error) ? EXIT.failure : EXIT.ok;
    }
    // Each module that acts around the backups adds its phases here, one line each.
    const phases = composePhases(
      remotePhases(run),
      retentionPhases(run),
      notificationPhases(run),
      metricsPhases({
        textfile: config.metrics.textfile,
        backupDir: config.backup_dir,
        targets: config.targets,
        logger: log.logger,
      }),
    );
    const report = await runBackups(run, selected, phases);
    io.stdout.write(options.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    return exitCodeFor(report);
  } finally {
    progress?.close();
    interrupt.dispose();
    await log.close();
  }
}
