// One backup run: folder, lock, leftovers of dead runs, every selected target with the configured concurrency,
// the report. Target failures are values in the report; only a held lock escapes as an error (exit 3).
import { ensureDir } from '../archive/atomic.js';
import { withHooks } from '../hooks/around.js';
import { runStatus, outcomeEvent, type RunReport, type TargetResult } from '../report.js';
import type { TargetConfig } from '../targets/registry.js';
import { errorMessage, LockHeldError } from '../util/errors.js';
import { formatDuration } from '../util/duration.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { acquireLock, type Lock } from './lock.js';
import { clearBlocked, recordBlocked } from './lock-blocked.js';
import { mapWithLimit } from './pool.js';
import { hookScope, runTarget, type RunContext } from './run-target.js';
import { removeStaleFiles } from './stale.js';

export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';

  constructor(readonly signalName: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signalName}`);
  }
}

export function buildReport(
  run: Pick<RunContext, 'config' | 'signal'>,
  started: Date,
  finished: Date,
  targets: TargetResult[],
  dryRun = false,
): RunReport {
  const status = runStatus(targets);
  const reason: unknown = run.signal.aborted ? run.signal.reason : undefined;
  return {
    event: outcomeEvent(status),
    status,
    hostname: run.config.hostname,
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    duration_seconds: Math.round((finished.getTime() - started.getTime()) / 10) / 100,
    dry_run: dryRun,
    interrupted: reason instanceof InterruptedError ? reason.signalName : null,
    summary: {
      total: targets.length,
      succeeded: targets.filter((t) => t.status === 'success').length,
      failed: targets.filter((t) => t.status === 'failure').length,
    },
    targets,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    notifications: [],
    hooks: [],
  };
}

/** Every target failed for one reason that stopped the run before it began (folder, lock file). */
function allFailed(run: RunContext, selected: TargetConfig[], message: string, at: Date): TargetResult[] {
  return selected.map((t) => ({
    name: t.name,
    type: t.type,
    status: 'failure',
    artifact: null,
    size_bytes: null,
    sha256: null,
    started_at: at.toISOString(),
    finished_at: at.toISOString(),
    duration_seconds: 0,
    error: run.redactor.redact(message),
    deleted: [],
    warnings: [],
    details: {},
    hooks: [],
  }));
}

/** Steps around the backups that other modules own; each is optional and must not throw for a target's sake. */
export interface RunPhases {
  /** Once the lock is held, before any target starts (backup_start notifications). */
  started?(selected: readonly TargetConfig[]): Promise<void>;
  /** After a target succeeded, never after it failed (local retention); may add to `result.deleted`/`warnings`. */
  afterSuccess?(target: TargetConfig, result: TargetResult): Promise<void>;
  /** After the report is built, before the lock is released (notifications, metrics); may add to the report. */
  finished?(report: RunReport): Promise<void>;
}

/** Runs several modules' phases in order (retention, notifications, metrics each bring their own). */
export function composePhases(...all: RunPhases[]): RunPhases {
  return {
    started: async (selected) => {
      for (const p of all) await p.started?.(selected);
    },
    afterSuccess: async (target, result) => {
      for (const p of all) await p.afterSuccess?.(target, result);
    },
    finished: async (report) => {
      for (const p of all) await p.finished?.(report);
    },
  };
}

/**
 * Another run holds the lock: exit 3 quietly, unless runs have been blocked for longer than lock_alert_after;
 * then every target fails with that reason, notifications and metrics go out, and it still exits 3.
 */
async function blocked(
  run: RunContext,
  selected: TargetConfig[],
  phases: RunPhases,
  error: LockHeldError,
  started: Date,
): Promise<never> {
  const since = await recordBlocked(run.config.lock_file, started).catch(() => started);
  const waited = started.getTime() - since.getTime();
  if (waited >= run.config.lock_alert_after) {
    const message = `no backup for ${formatDuration(waited)}: runs have been blocked by the lock since ${since.toISOString()} (${error.message})`;
    run.logger.error({ lock: run.config.lock_file, since: since.toISOString() }, message);
    await phases.finished?.(buildReport(run, started, run.now(), allFailed(run, selected, message, started)));
  }
  throw error;
}

/** Backs up the selected targets under the run lock and returns the report. */
export async function runBackups(run: RunContext, selected: TargetConfig[], phases: RunPhases = {}): Promise<RunReport> {
  const started = run.now();
  let lock: Lock | undefined;
  let step = `cannot use the backup folder ${run.config.backup_dir}`;
  try {
    await ensureDir(run.config.backup_dir);
    step = 'cannot take the run lock';
    lock = await acquireLock(run.config.lock_file, started);
  } catch (error) {
    if (error instanceof LockHeldError) return blocked(run, selected, phases, error, started);
    const message = `${step}: ${errorMessage(error)}`;
    run.logger.error({ error: run.redactor.redact(errorMessage(error)) }, 'run stopped before any target');
    const report = buildReport(run, started, run.now(), allFailed(run, selected, message, started));
    await phases.finished?.(report);
    return report;
  }
  try {
    await clearBlocked(run.config.lock_file).catch(() => undefined);
    if (lock.tookOverFrom) {
      const { holder, reason } = lock.tookOverFrom;
      run.logger.warn(
        { lock: run.config.lock_file, pid: holder?.pid, host: holder?.host, since: holder?.started_at, reason },
        'took over the lock of a run that died',
      );
    }
    // The run's hooks go around everything that reads the backup folder (a `before` hook may mount it).
    const subject = { target: '', type: '', hostname: run.config.hostname };
    const { value: results, hooks } = await withHooks(hookScope(run), subject, run.config.hooks, {
      work: async () => {
        const removed = await removeStaleFiles(
          run.config.backup_dir,
          run.config.targets.map((t) => t.name),
        );
        if (removed.length > 0) run.logger.warn({ removed }, 'removed files a dead run left behind');

        await phases.started?.(selected);
        return mapWithLimit(selected, run.config.concurrency, async (target) => {
          const result = await runTarget(run, target);
          if (result.status === 'success' && !run.signal.aborted) await phases.afterSuccess?.(target, result);
          return result;
        });
      },
      skipped: (error) => allFailed(run, selected, `run ${error}`, run.now()),
      outcome: (results) => ({ status: runStatus(results) === 'success' ? 'success' : 'failure', archive: '' }),
    });
    const report = { ...buildReport(run, started, run.now(), results), hooks };
    await phases.finished?.(report);
    return report;
  } finally {
    await lock
      .release()
      .catch((error: unknown) => run.logger.error({ error: errorMessage(error) }, 'could not release the lock'));
  }
}
