// The run report and per-target results: plain values that the orchestrator builds and notifiers, metrics and the
// CLI only read. The exit code is a pure function of the report.

export type TargetStatus = 'success' | 'failure';
export type RunStatus = 'success' | 'partial_failure' | 'failure';
export type RunEvent = 'backup_start' | 'backup_success' | 'backup_partial_failure' | 'backup_critical_failure';

export interface Warning {
  code: string;
  message: string;
}

/** One operator hook that ran (DESIGN §13): its event, its command (masked), how it ended. */
export interface HookResult {
  event: 'before' | 'after' | 'on_failure';
  command: string;
  /** Null when it was killed by a signal or could not start. */
  exit_code: number | null;
  duration_seconds: number;
  error: string | null;
}

export interface TargetResult {
  name: string;
  type: string;
  status: TargetStatus;
  /** Archive file name (local targets) or snapshot name (cloud targets). */
  artifact: string | null;
  size_bytes: number | null;
  sha256: string | null;
  started_at: string;
  finished_at: string;
  duration_seconds: number;
  error: string | null;
  /** Backups or snapshots deleted by retention in this run. */
  deleted: string[];
  warnings: Warning[];
  /** Target-specific facts for templates and the report (snapshot id, total snapshots, source...). */
  details: Record<string, unknown>;
  /** The target's hooks that ran, in order (absent where no hook could run, e.g. in notification previews). */
  hooks?: HookResult[];
  /** The copy to each of the target's remotes (absent when it has none or its backup failed). */
  remotes?: RemoteResult[];
}

/** One target's copy to one remote: what went up, what remote retention deleted, or why it failed. */
export interface RemoteResult {
  name: string;
  type: string;
  status: TargetStatus;
  /** Archive names uploaded in this run (the new backup and any a failed run left behind). */
  uploaded: string[];
  deleted: string[];
  /** Due for deletion but refused by object lock: kept. */
  locked: string[];
  /** Complete backups of the target on the remote after this copy (null when it failed). */
  backups: number | null;
  error: string | null;
}

export interface NotificationDelivery {
  notifier: string;
  event: RunEvent;
  /** The target of a per-target message; null for a per-run one. */
  target?: string | null;
  ok: boolean;
  error: string | null;
}

export interface RunReport {
  event: RunEvent;
  status: RunStatus;
  hostname: string;
  started_at: string;
  finished_at: string;
  duration_seconds: number;
  dry_run: boolean;
  interrupted: string | null;
  summary: { total: number; succeeded: number; failed: number };
  targets: TargetResult[];
  tool: { name: string; version: string };
  notifications: NotificationDelivery[];
  /** The run's own hooks that ran, in order. */
  hooks?: HookResult[];
}

export const EXIT = {
  ok: 0,
  failure: 1,
  partial: 2,
  locked: 3,
  usage: 64,
  config: 78,
  sigint: 130,
  sigterm: 143,
} as const;

/** The run's status from its targets: all succeeded, some, or none. */
export function runStatus(targets: readonly TargetResult[]): RunStatus {
  const failed = targets.filter((t) => t.status === 'failure').length;
  if (failed === 0) return 'success';
  return failed === targets.length ? 'failure' : 'partial_failure';
}

/** The outcome event that matches a run status. */
export function outcomeEvent(status: RunStatus): RunEvent {
  if (status === 'success') return 'backup_success';
  return status === 'partial_failure' ? 'backup_partial_failure' : 'backup_critical_failure';
}

/** The exit code monitoring reads: 0 all ok, 2 partial, 1 all failed, 130/143 when a signal stopped the run. */
export function exitCodeFor(report: Pick<RunReport, 'status' | 'interrupted'>): number {
  if (report.interrupted === 'SIGINT') return EXIT.sigint;
  if (report.interrupted === 'SIGTERM') return EXIT.sigterm;
  if (report.status === 'success') return EXIT.ok;
  return report.status === 'partial_failure' ? EXIT.partial : EXIT.failure;
}
