// The placeholders a template may use (DESIGN §6, plus drhdev/snapshots' {server_name}, {server_id}, {provider})
// and their values for a view. Per-target placeholders in a per-run message join the values of its targets.
import { formatBytes, formatDuration } from '../util/duration.js';
import type { RunView, TargetView } from './view.js';

export const PLACEHOLDERS = [
  'status',
  'event',
  'hostname',
  'timestamp',
  'duration',
  'summary',
  'failed_targets',
  'target',
  'type',
  'artifact',
  'size',
  'error',
  'snapshot_name',
  'total_snapshots',
  'server_name',
  'server_id',
  'provider',
  'remote',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** A detail a target reported (snapshot name, server id...) as text, or undefined. */
function detail(t: TargetView, key: string): string | undefined {
  const value = t.details[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** `2 of 3 targets succeeded, 1 failed` (or `3 targets` for a run that is starting). */
export function summaryText(view: RunView): string {
  const { total, succeeded, failed } = view.summary;
  const noun = total === 1 ? 'target' : 'targets';
  if (view.status === 'started') return `${total} ${noun}`;
  return `${succeeded} of ${total} ${noun} succeeded, ${failed} failed`;
}

/** `12.3 MiB`, or empty when the size is unknown. */
export function sizeText(bytes: number | null): string {
  return bytes === null ? '' : formatBytes(bytes);
}

/** `1m05s`, or empty when the duration is unknown (a run that is starting). */
export function durationText(seconds: number | null): string {
  return seconds === null ? '' : formatDuration(seconds * 1000);
}

/** The remotes whose copy failed (`offsite`), else every remote copied to; empty without remotes. */
function remoteText(targets: readonly TargetView[]): string {
  const all = targets.flatMap((t) => t.remotes ?? []);
  const failed = all.filter((r) => r.status === 'failure');
  return [...new Set((failed.length > 0 ? failed : all).map((r) => r.name))].join(', ');
}

/** Every placeholder's value for a view; a one-target view gives that target's own values. */
export function placeholderValues(view: RunView): Record<Placeholder, string> {
  const targets = view.targets;
  const join = (pick: (t: TargetView) => string | undefined | null, sep = ', '): string =>
    targets
      .map(pick)
      .filter((v): v is string => typeof v === 'string' && v !== '')
      .join(sep);
  const failed = targets.filter((t) => t.status === 'failure').map((t) => t.name);
  const sizes = targets.map((t) => t.size_bytes).filter((s): s is number => s !== null);
  return {
    status: view.status,
    event: view.event,
    hostname: view.hostname,
    timestamp: view.finished_at ?? view.started_at,
    duration: durationText(view.duration_seconds),
    summary: summaryText(view),
    failed_targets: failed.length > 0 ? failed.join(', ') : 'none',
    target: join((t) => t.name),
    type: [...new Set(targets.map((t) => t.type))].join(', '),
    artifact: join((t) => t.artifact),
    size: sizes.length > 0 ? formatBytes(sizes.reduce((a, b) => a + b, 0)) : '',
    error: targets.length === 1 ? (targets[0]?.error ?? '') : join((t) => (t.error ? `${t.name}: ${t.error}` : null), '; '),
    snapshot_name: join((t) => detail(t, 'snapshot_name') ?? t.artifact),
    total_snapshots: join((t) => detail(t, 'total_snapshots')),
    server_name: join((t) => detail(t, 'server_name') ?? t.name),
    server_id: join((t) => detail(t, 'server_id')),
    provider: [...new Set(targets.map((t) => detail(t, 'provider') ?? t.type))].join(', '),
    remote: remoteText(targets),
  };
}
