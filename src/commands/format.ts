// Human-readable output of reports and plans (stdout); JSON output is the report itself.
import type { NotificationPreview } from '../notifiers/notify.js';
import type { NotificationDelivery, RunReport } from '../report.js';
import type { TargetPlan } from '../orchestrator/dry-run.js';
import type { RunHookPlan } from '../hooks/plan.js';
import { formatBytes } from '../util/duration.js';

/** A child's stderr can span lines; a FAIL line stays one line (grep, cron mail subjects, monitoring). */
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' | ');
}

export function formatReport(report: RunReport): string {
  const lines = report.targets.map((t) => {
    const mark = t.status === 'success' ? 'ok  ' : 'FAIL';
    const size = t.size_bytes === null ? '' : `  ${formatBytes(t.size_bytes)}`;
    const detail = t.status === 'success' ? `${t.artifact ?? ''}${size}` : oneLine(t.error ?? 'failed');
    const warn = t.warnings.length > 0 ? `  (${t.warnings.length} warning${t.warnings.length > 1 ? 's' : ''})` : '';
    const deleted = t.deleted.length > 0 ? `  pruned ${t.deleted.length}` : '';
    const remotes = (t.remotes ?? []).map(
      (r) =>
        `\n     remote ${r.name}: ${r.status === 'success' ? `ok, ${r.uploaded.length} uploaded, ${r.deleted.length} deleted${r.locked.length > 0 ? `, ${r.locked.length} kept (locked)` : ''}` : 'FAILED'}`,
    );
    return `${mark} ${t.name}  ${detail}  ${t.duration_seconds}s${warn}${deleted}${remotes.join('')}`;
  });
  const { total, succeeded, failed } = report.summary;
  const head = report.interrupted ? `interrupted by ${report.interrupted}: ` : '';
  lines.push(
    `${head}${report.status}: ${succeeded} of ${total} targets succeeded, ${failed} failed (${report.duration_seconds}s)`,
  );
  for (const n of report.notifications.filter((d) => !d.ok)) lines.push(`notification not delivered: ${formatDelivery(n)}`);
  for (const h of (report.hooks ?? []).filter((x) => x.error !== null)) lines.push(`run hook failed: ${h.error}`);
  return lines.join('\n') + '\n';
}

export function formatPlans(plans: readonly TargetPlan[], hooks?: RunHookPlan): string {
  const out: string[] = ['DRY RUN: nothing is written, deleted or sent.'];
  if (hooks && hooks.before.length > 0) out.push('run hooks before every target:', ...hooks.before.map((h) => `  - ${h}`));
  for (const plan of plans) {
    out.push(`target ${plan.name} (${plan.type})${plan.problems.length > 0 ? ': WOULD FAIL' : ''}`);
    for (const step of plan.steps) out.push(`  - ${step}`);
    for (const problem of plan.problems) out.push(`  ! ${problem}`);
  }
  const last = hooks ? [...hooks.after, ...hooks.on_failure] : [];
  if (last.length > 0) out.push('run hooks after every target:', ...last.map((h) => `  - ${h}`));
  return out.join('\n') + '\n';
}

/** `telegram[0] backup_success (db): <error>` — one delivery, as `run` and `notify --test` print it. */
export function formatDelivery(d: NotificationDelivery): string {
  return `${d.notifier} ${d.event}${d.target ? ` (${d.target})` : ''}${d.ok ? '' : `: ${d.error ?? 'failed'}`}`;
}

/** Dry run: each message that would go out, with its request line and rendered text. */
export function formatNotificationPreviews(previews: readonly NotificationPreview[]): string {
  if (previews.length === 0) return '';
  const out: string[] = ['notifications that would be sent (backup_start, then the outcome these plans forecast):'];
  for (const p of previews) {
    out.push(`notify ${p.notifier} on ${p.event}${p.target ? ` (${p.target})` : ''}: ${p.request}`);
    for (const line of p.text.split('\n')) out.push(`    ${line}`);
  }
  return out.join('\n') + '\n';
}
