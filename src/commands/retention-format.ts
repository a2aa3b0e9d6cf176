// Human-readable output of `prune`, retention in `run --dry-run`, `list` and `status` (JSON output is the values).
import type { TargetInventory, TargetStatus } from '../orchestrator/inventory.js';
import type { TargetPrune } from '../orchestrator/retention.js';
import { formatBytes, formatDuration } from '../util/duration.js';

/** One block per target: what was (or would be) deleted by name, what is kept and by which rule. */
export function formatPrunes(prunes: readonly TargetPrune[], heading = 'retention'): string {
  const out: string[] = [];
  for (const p of prunes) {
    out.push(`${heading} of ${p.name} (${p.type}): ${p.skipped ? `skipped, ${p.skipped}` : p.policy}`);
    if (p.skipped) continue;
    const verb = p.dry_run ? 'would delete' : 'deleted';
    for (const name of p.deleted) out.push(`  ${verb} ${name}`);
    for (const k of p.kept) out.push(`  keep ${k.name}  (${k.reasons})`);
    for (const n of p.not_backups) out.push(`  not a complete backup, left alone: ${n.name} (${n.reason})`);
    if (p.error) out.push(`  ! ${p.error}`);
    else if (p.kept.length === 0 && p.deleted.length === 0) out.push('  no complete backups');
    else out.push(`  ${p.deleted.length} ${verb === 'deleted' ? 'deleted' : 'to delete'}, ${p.kept.length} kept`);
  }
  return out.join('\n') + '\n';
}

/** A table per target: name, time, age, size, state; newest first. */
export function formatInventory(listed: readonly TargetInventory[]): string {
  const out: string[] = [];
  for (const inv of listed) {
    out.push(`${inv.name} (${inv.type}): ${inv.backups.length} backup${inv.backups.length === 1 ? '' : 's'}`);
    if (inv.error) out.push(`  ! ${inv.error}`);
    const rows = inv.backups.map((b) => [
      b.name,
      b.time.replace(/\.000Z$/, 'Z'),
      formatDuration(b.age_seconds * 1000),
      b.size_bytes === null ? '-' : formatBytes(b.size_bytes),
      b.location === 'remote' ? `${b.state} (remote)` : b.state,
    ]);
    if (rows.length > 0) out.push(...table([['NAME', 'TIME', 'AGE', 'SIZE', 'STATE'], ...rows]).map((l) => `  ${l}`));
    for (const b of inv.backups.filter((x) => x.state === 'future_dated'))
      out.push(`  ! ${b.name} is stamped in the future: never counted as the newest (check the clock)`);
    for (const n of inv.not_backups) out.push(`  ${n.name}  not a backup: ${n.reason}`);
  }
  return out.join('\n') + '\n';
}

/** One line per target: status, newest backup, age against the max age. */
export function formatStatus(statuses: readonly TargetStatus[]): string {
  const rows = statuses.map((s) => {
    const newest = s.newest;
    const limit = s.max_age_seconds === null ? 'no max age' : `max ${formatDuration(s.max_age_seconds * 1000)}`;
    return [
      s.status === 'ok' ? 'ok' : s.status.toUpperCase(),
      s.name,
      newest ? newest.name : (s.error ?? 'no complete backup'),
      newest ? `${formatDuration(newest.age_seconds * 1000)} old` : '-',
      newest?.size_bytes != null ? formatBytes(newest.size_bytes) : '-',
      limit,
    ];
  });
  const notes = statuses.flatMap((s) =>
    s.future_dated.map((name) => `! ${s.name}: ${name} is stamped in the future: not counted as the newest (check the clock)`),
  );
  return [...table(rows), ...notes].join('\n') + '\n';
}

/** Left-aligned columns separated by two spaces. */
function table(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
