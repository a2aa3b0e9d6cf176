// What a notifier sees: the run report (or the start of a run, a test, a dry-run forecast) narrowed to the
// targets it is filtered to, with status, event and summary recomputed for exactly those targets.
import {
  outcomeEvent,
  type RemoteResult,
  type RunEvent,
  type RunReport,
  type RunStatus,
  type TargetStatus,
  type Warning,
} from '../report.js';

export interface TargetView {
  name: string;
  type: string;
  status: TargetStatus | 'pending';
  artifact: string | null;
  size_bytes: number | null;
  sha256: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_seconds: number | null;
  error: string | null;
  deleted: string[];
  warnings: Warning[];
  details: Record<string, unknown>;
  remotes?: RemoteResult[];
}

export interface RunView {
  event: RunEvent;
  status: RunStatus | 'started';
  hostname: string;
  started_at: string;
  finished_at: string | null;
  duration_seconds: number | null;
  dry_run: boolean;
  interrupted: string | null;
  summary: { total: number; succeeded: number; failed: number };
  targets: TargetView[];
  tool: { name: string; version: string };
  /** A `notify --test` message, not a real run. */
  test: boolean;
}

export interface TargetRef {
  name: string;
  type: string;
}

/** The outcome view of a finished run (the report without its delivery records). */
export function fromReport(report: RunReport): RunView {
  const { notifications: _deliveries, ...rest } = report;
  return { ...rest, targets: report.targets.map((t) => ({ ...t })), test: false };
}

/** A target that has not run yet (backup_start, and the base of test and forecast views). */
const pending = (t: TargetRef, at: string | null): TargetView => ({
  name: t.name,
  type: t.type,
  status: 'pending',
  artifact: null,
  size_bytes: null,
  sha256: null,
  started_at: at,
  finished_at: null,
  duration_seconds: null,
  error: null,
  deleted: [],
  warnings: [],
  details: {},
});

/** The view of a run that is about to back up `targets` (backup_start). */
export function startView(base: Pick<RunView, 'hostname' | 'tool'>, targets: readonly TargetRef[], at: Date): RunView {
  const stamp = at.toISOString();
  return {
    ...base,
    event: 'backup_start',
    status: 'started',
    started_at: stamp,
    finished_at: null,
    duration_seconds: null,
    dry_run: false,
    interrupted: null,
    summary: { total: targets.length, succeeded: 0, failed: 0 },
    targets: targets.map((t) => pending(t, stamp)),
    test: false,
  };
}

/** A made-up successful run of the configured targets for `notify --test`. */
export function testView(base: Pick<RunView, 'hostname' | 'tool'>, targets: readonly TargetRef[], at: Date): RunView {
  const stamp = at.toISOString();
  const done = targets.map((t): TargetView => ({
    ...pending(t, stamp),
    status: 'success',
    finished_at: stamp,
    duration_seconds: 0,
  }));
  const view = {
    ...startView(base, targets, at),
    event: 'backup_success' as const,
    finished_at: stamp,
    duration_seconds: 0,
    targets: done,
  };
  return { ...outcome(view), test: true };
}

/** The outcome a dry run expects: targets whose plan shows a problem fail, the others succeed. */
export function forecastView(
  base: Pick<RunView, 'hostname' | 'tool'>,
  plans: readonly (TargetRef & { problems: readonly string[] })[],
  at: Date,
): RunView {
  const stamp = at.toISOString();
  const targets = plans.map((p): TargetView => ({
    ...pending(p, stamp),
    status: p.problems.length > 0 ? 'failure' : 'success',
    error: p.problems.length > 0 ? p.problems.join('; ') : null,
  }));
  return { ...outcome({ ...startView(base, plans, at), event: 'backup_success', targets }), dry_run: true };
}

/** Status, event and summary recomputed from the view's targets (a start view stays a start view). */
function outcome(view: RunView): RunView {
  const summary = {
    total: view.targets.length,
    succeeded: view.targets.filter((t) => t.status === 'success').length,
    failed: view.targets.filter((t) => t.status === 'failure').length,
  };
  if (view.event === 'backup_start') return { ...view, summary };
  const status: RunStatus = summary.failed === 0 ? 'success' : summary.failed === summary.total ? 'failure' : 'partial_failure';
  return { ...view, summary, status, event: outcomeEvent(status) };
}

/** The view limited to the named targets; null when none of them is in it (the notifier sees nothing). */
export function narrow(view: RunView, names: readonly string[] | undefined): RunView | null {
  if (!names) return view;
  const targets = view.targets.filter((t) => names.includes(t.name));
  if (targets.length === 0) return null;
  return targets.length === view.targets.length ? view : outcome({ ...view, targets });
}

/** One view per target, for `per: target` entries; each carries that target's own times. */
export function perTarget(view: RunView): RunView[] {
  return view.targets.map((t) =>
    outcome({
      ...view,
      targets: [t],
      started_at: t.started_at ?? view.started_at,
      finished_at: t.finished_at ?? view.finished_at,
      duration_seconds: t.duration_seconds ?? view.duration_seconds,
    }),
  );
}
