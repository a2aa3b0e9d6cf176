// Retention in the run and in `prune`: after a target's backup succeeded (never after it failed) its folder is
// pruned by its policy; a dry run shows what would go. Only `archive` targets: cloud targets prune themselves.
import { join } from 'node:path';
import type { Backup } from '../archive/catalog.js';
import { planPrune, pruneTarget, RetentionError, type PruneOutcome } from '../retention/apply.js';
import { describePolicy, describeReasons, type Dated, type DecideOptions, type RetentionDecision } from '../retention/policy.js';
import type { Warning } from '../report.js';
import { formatBytes } from '../util/duration.js';
import { targetSpec, type TargetConfig } from '../targets/registry.js';
import { errorMessage } from '../util/errors.js';
import type { RunPhases } from './run.js';
import type { RunContext } from './run-target.js';

/** One target's retention, as `prune`, `run --dry-run` and `--json` show it. */
export interface TargetPrune {
  name: string;
  type: string;
  policy: string;
  /** Why this target was not pruned here (cloud targets prune their snapshots during `run`). */
  skipped: string | null;
  dry_run: boolean;
  /** Deleted, or in a dry run: would be deleted. Archive names, newest first. */
  deleted: string[];
  kept: { name: string; reasons: string }[];
  /** Archive-named files that are not complete backups: never deleted by retention. */
  not_backups: { name: string; reason: string }[];
  error: string | null;
}

export const CLOUD_SKIP = 'provider snapshots: the target prunes them itself during `run` (keep_last)';

/** The name shown for the backup a run would write (run --dry-run). */
export const plannedName = (target: string): string => `(the new backup of ${target})`;

/** The printable/JSON form of one target's prune outcome. */
function summarize(target: TargetConfig, dryRun: boolean, outcome: PruneOutcome<Dated> | undefined): TargetPrune {
  return {
    name: target.name,
    type: target.type,
    policy: describePolicy(target.retention),
    skipped: null,
    dry_run: dryRun,
    deleted: outcome ? (dryRun ? outcome.decision.remove.map((b) => b.name) : outcome.deleted) : [],
    kept: outcome ? outcome.decision.keep.map((k) => ({ name: k.backup.name, reasons: describeReasons(k.reasons) })) : [],
    not_backups: outcome ? outcome.incomplete.map((b) => ({ name: b.name, reason: b.reason })) : [],
    error: null,
  };
}

/** What retention needs from the run besides the policy: its clock and the target's shrink hold. */
function decideOptions(run: RunContext, target: TargetConfig): DecideOptions {
  return { now: run.now(), shrink: { ratio: target.min_size_ratio, holdMs: target.shrink_hold } };
}

/** The warnings a decision carries on every run while they hold: a shrink hold, future-dated backups. */
export function retentionWarnings(decision: RetentionDecision<Dated>): Warning[] {
  const warnings: Warning[] = [];
  const newest = decision.keep.find((k) => !k.reasons.some((r) => r.rule === 'future_dated'))?.backup;
  for (const { backup, reasons } of decision.keep) {
    const hold = reasons.find((r) => r.rule === 'shrink_hold');
    if (hold) {
      const size = (b: Dated | undefined): string => (typeof b?.size_bytes === 'number' ? formatBytes(b.size_bytes) : 'unknown');
      warnings.push({
        code: 'shrink_hold',
        message:
          `keeping ${backup.name} (${size(backup)}): the newest backup ${newest?.name ?? '?'} (${size(newest)}) is under ` +
          `min_size_ratio of it; held until a backup is back to size or ${hold.until ?? '?'} (shrink_hold)`,
      });
    }
    if (reasons.some((r) => r.rule === 'future_dated')) {
      warnings.push({
        code: 'future_dated',
        message: `${backup.name} is stamped ${backup.time.toISOString()}, in the future: kept, never counted as the newest`,
      });
    }
  }
  return warnings;
}

export interface PruneRequest {
  dryRun: boolean;
  /** Count a backup written now (run --dry-run shows what the run itself would delete). */
  withNewBackup?: boolean;
}

/** Prunes (or plans pruning of) each selected target; failures are values, never exceptions. */
export async function pruneTargets(
  run: RunContext,
  selected: readonly TargetConfig[],
  request: PruneRequest,
): Promise<TargetPrune[]> {
  const results: TargetPrune[] = [];
  for (const target of selected) {
    if (targetSpec(target).storage !== 'archive') {
      results.push({ ...summarize(target, request.dryRun, undefined), skipped: CLOUD_SKIP });
      continue;
    }
    const dir = join(run.config.backup_dir, target.name);
    const logger = run.logger.child({ target: target.name, dry_run: request.dryRun });
    try {
      const planned = request.withNewBackup ? { name: plannedName(target.name), time: run.now() } : undefined;
      const outcome: PruneOutcome<Dated> = request.dryRun
        ? await planPrune(dir, target.name, target.retention, planned, decideOptions(run, target))
        : await pruneTarget(dir, target.name, target.retention, { dryRun: false, logger, decide: decideOptions(run, target) });
      results.push(summarize(target, request.dryRun, outcome));
    } catch (error) {
      const message = run.redactor.redact(errorMessage(error));
      logger.error({ error: message }, 'retention failed');
      const deleted = error instanceof RetentionError ? error.deleted : [];
      results.push({ ...summarize(target, request.dryRun, undefined), deleted, error: message });
    }
  }
  return results;
}

/** The run phase: after a successful backup, prune that target; deletions go into `result.deleted`. */
export function retentionPhases(run: RunContext): RunPhases {
  return {
    afterSuccess: async (target, result) => {
      // The orchestrator calls this only after a success; checked again because a failed backup must never prune.
      if (result.status !== 'success' || targetSpec(target).storage !== 'archive') return;
      const logger = run.logger.child({ target: target.name, type: target.type });
      let outcome: PruneOutcome<Backup> | undefined;
      try {
        outcome = await pruneTarget(join(run.config.backup_dir, target.name), target.name, target.retention, {
          dryRun: false,
          pinned: result.artifact ? [result.artifact] : [],
          decide: decideOptions(run, target),
          logger,
        });
        result.deleted.push(...outcome.deleted);
        for (const warning of retentionWarnings(outcome.decision)) {
          result.warnings.push(warning);
          logger.warn({ code: warning.code }, warning.message);
        }
        if (outcome.deleted.length > 0)
          logger.info({ deleted: outcome.deleted.length, kept: outcome.decision.keep.length }, 'retention pruned');
      } catch (error) {
        if (error instanceof RetentionError) result.deleted.push(...error.deleted);
        const message = run.redactor.redact(errorMessage(error));
        result.warnings.push({ code: 'retention_failed', message });
        logger.error({ error: message }, 'retention failed');
      }
    },
  };
}
