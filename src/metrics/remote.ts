// The remote families of the metrics file (DESIGN §11), labels target, type, remote: when the last successful copy
// finished and how many complete backups the remote keeps. Values of targets or remotes this run did not copy come
// from the previous file, so a last success survives failed and unselected runs.
import type { RunReport } from '../report.js';
import type { TargetConfig } from '../targets/registry.js';
import type { Family } from './exposition.js';

export const REMOTE_METRICS = {
  snapshotter_remote_last_success_timestamp_seconds:
    'Unix time of the last successful copy of the target to the remote (0 when none is known).',
  snapshotter_remote_backups: 'Complete backups of the target on the remote after the last successful copy.',
} as const;
type RemoteMetric = keyof typeof REMOTE_METRICS;

export interface PreviousSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The remote families for every configured target × remote. */
export function remoteFamilies(
  report: RunReport,
  targets: readonly TargetConfig[],
  previous: readonly PreviousSample[],
): Family[] {
  const families = new Map<RemoteMetric, Family>(
    (Object.entries(REMOTE_METRICS) as [RemoteMetric, string][]).map(([name, help]) => [name, { name, help, samples: [] }]),
  );
  const before = (metric: RemoteMetric, target: string, remote: string): number | undefined =>
    previous.find((s) => s.name === metric && s.labels.target === target && s.labels.remote === remote)?.value;
  for (const target of [...targets].sort((a, b) => a.name.localeCompare(b.name))) {
    const result = report.targets.find((t) => t.name === target.name);
    for (const remote of [...target.remotes].sort()) {
      const labels = { target: target.name, type: target.type, remote };
      const copy = result?.remotes?.find((r) => r.name === remote);
      const ok = copy?.status === 'success';
      const last = ok
        ? Date.parse(result!.finished_at) / 1000
        : (before('snapshotter_remote_last_success_timestamp_seconds', target.name, remote) ?? 0);
      families.get('snapshotter_remote_last_success_timestamp_seconds')!.samples.push({ labels, value: last });
      const backups = ok && copy.backups !== null ? copy.backups : before('snapshotter_remote_backups', target.name, remote);
      if (backups !== undefined) families.get('snapshotter_remote_backups')!.samples.push({ labels, value: backups });
    }
  }
  return [...families.values()].filter((f) => f.samples.length > 0);
}
