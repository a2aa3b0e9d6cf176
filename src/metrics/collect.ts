// What the metrics file says about each target after a run: this run's results for the selected targets, the
// previous file's values for the others, and facts read from the backup folder (backups kept, last success).
import { join } from 'node:path';
import { readCatalog, type Backup } from '../archive/catalog.js';
import { SUSPICIOUS_SHRINK } from '../orchestrator/size-drop.js';
import { isFutureDated } from '../retention/future.js';
import { exitCodeFor, type RunReport, type TargetResult } from '../report.js';
import { targetSpec, type TargetConfig } from '../targets/registry.js';
import type { Family } from './exposition.js';

/** The per-target families, in the order they appear in the file. */
export const TARGET_METRICS = {
  snapshotter_target_last_success_timestamp_seconds:
    'Unix time of the newest successful backup of the target (0 when none is known).',
  snapshotter_target_success: '1 when the target succeeded in the last run that included it, 0 when it failed.',
  snapshotter_target_duration_seconds: 'How long the target took in the last run that included it.',
  snapshotter_target_size_bytes: 'Size of the newest backup of the target (archive bytes).',
  snapshotter_target_backups: 'Complete backups (or snapshots) of the target that are kept.',
  snapshotter_target_suspicious_shrink:
    '1 when the last backup was flagged suspicious_shrink (much smaller than the one before).',
  snapshotter_target_warnings: 'Warnings the target raised in the last run that included it (0 when none).',
  snapshotter_target_shrink_hold:
    '1 while retention holds a full-size backup because the newer ones shrank under min_size_ratio (shrink_hold).',
} as const;
export type TargetMetric = keyof typeof TARGET_METRICS;
export type TargetValues = Partial<Record<TargetMetric, number>>;

const RUN_METRICS = {
  snapshotter_last_run_timestamp_seconds: 'Unix time at which the last snapshotter run finished.',
  snapshotter_last_run_status: 'Exit code of the last snapshotter run (0 ok, 1 failure, 2 partial failure, 130/143 interrupted).',
} as const;

interface Newest {
  count: number;
  newest: Backup | undefined;
}

/** The complete backups of an archive target, or undefined when its folder cannot be read. */
async function catalogOf(backupDir: string, target: TargetConfig, now: Date): Promise<Newest | undefined> {
  if (targetSpec(target).storage !== 'archive') return undefined;
  try {
    const catalog = await readCatalog(join(backupDir, target.name), target.name);
    // A future-dated backup never counts as the newest: it would hold the last-success time in the future.
    return { count: catalog.complete.length, newest: catalog.complete.find((b) => !isFutureDated(b.time, now)) };
  } catch {
    return undefined;
  }
}

function toSeconds(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** When the newest complete backup finished (its manifest), else the time in its name. */
function backupSeconds(backup: Backup | undefined): number | undefined {
  if (!backup) return undefined;
  return toSeconds(backup.manifest.finished_at) ?? backup.time.getTime() / 1000;
}

/** The newest of the known success times; 0 means "never" (an alert on staleness fires at once). */
function latest(...candidates: (number | undefined)[]): number {
  return Math.max(0, ...candidates.filter((c): c is number => c !== undefined && Number.isFinite(c)));
}

/** Values for a target this run included. */
function fromResult(result: TargetResult, previous: TargetValues, catalog: Newest | undefined): TargetValues {
  const ok = result.status === 'success';
  const values: TargetValues = {
    snapshotter_target_success: ok ? 1 : 0,
    snapshotter_target_duration_seconds: result.duration_seconds,
    snapshotter_target_last_success_timestamp_seconds: ok
      ? latest(toSeconds(result.finished_at))
      : latest(previous.snapshotter_target_last_success_timestamp_seconds, backupSeconds(catalog?.newest)),
    snapshotter_target_suspicious_shrink: result.warnings.some((w) => w.code === SUSPICIOUS_SHRINK) ? 1 : 0,
    snapshotter_target_warnings: result.warnings.length,
    snapshotter_target_shrink_hold: result.warnings.some((w) => w.code === 'shrink_hold') ? 1 : 0,
  };
  const size =
    ok && result.size_bytes !== null
      ? result.size_bytes
      : (catalog?.newest?.size_bytes ?? previous.snapshotter_target_size_bytes);
  if (size !== undefined) values.snapshotter_target_size_bytes = size;
  const total = result.details.total_snapshots;
  const backups = catalog?.count ?? (typeof total === 'number' ? total : previous.snapshotter_target_backups);
  if (backups !== undefined) values.snapshotter_target_backups = backups;
  return values;
}

/** Values for a target this run did not include: its previous lines, refreshed from its folder where it has one. */
function fromPrevious(previous: TargetValues, catalog: Newest | undefined): TargetValues {
  const values: TargetValues = { ...previous };
  values.snapshotter_target_last_success_timestamp_seconds = latest(
    previous.snapshotter_target_last_success_timestamp_seconds,
    backupSeconds(catalog?.newest),
  );
  if (catalog) values.snapshotter_target_backups = catalog.count;
  if (values.snapshotter_target_size_bytes === undefined && catalog?.newest) {
    values.snapshotter_target_size_bytes = catalog.newest.size_bytes;
  }
  return values;
}

export interface CollectInput {
  report: RunReport;
  /** Every configured target (the selected ones and the others). */
  targets: readonly TargetConfig[];
  backupDir: string;
  /** Per target name: its values in the previous metrics file. */
  previous: ReadonlyMap<string, TargetValues>;
}

/** Every family of the metrics file for this run. */
export async function collectFamilies(input: CollectInput): Promise<Family[]> {
  const finished = toSeconds(input.report.finished_at) ?? Date.now() / 1000;
  const families: Family[] = [
    {
      name: 'snapshotter_last_run_timestamp_seconds',
      help: RUN_METRICS.snapshotter_last_run_timestamp_seconds,
      samples: [{ labels: {}, value: finished }],
    },
    {
      name: 'snapshotter_last_run_status',
      help: RUN_METRICS.snapshotter_last_run_status,
      samples: [{ labels: {}, value: exitCodeFor(input.report) }],
    },
  ];
  const perTarget = new Map<TargetMetric, Family>();
  for (const [name, help] of Object.entries(TARGET_METRICS) as [TargetMetric, string][]) {
    const family: Family = { name, help, samples: [] };
    perTarget.set(name, family);
    families.push(family);
  }
  const sorted = [...input.targets].sort((a, b) => a.name.localeCompare(b.name));
  for (const target of sorted) {
    const catalog = await catalogOf(input.backupDir, target, new Date(finished * 1000));
    const previous = input.previous.get(target.name) ?? {};
    const result = input.report.targets.find((t) => t.name === target.name);
    const values = result ? fromResult(result, previous, catalog) : fromPrevious(previous, catalog);
    for (const [metric, value] of Object.entries(values) as [TargetMetric, number | undefined][]) {
      if (value !== undefined) perTarget.get(metric)?.samples.push({ labels: { target: target.name, type: target.type }, value });
    }
  }
  return families;
}
