// The default message text (Telegram, healthchecks body): a headline, the summary, one line per target with
// status, artifact, size, duration and error. Values are escaped by the caller's rules, markup is its own.
import { durationText, sizeText, summaryText } from './placeholders.js';
import type { RunView, TargetView } from './view.js';

export interface TextStyle {
  /** Escapes text for the message's parse mode. */
  escape: (s: string) => string;
  /** Marks a headline bold in the parse mode (already-escaped text in, markup out). */
  bold: (s: string) => string;
}

export const PLAIN: TextStyle = { escape: (s) => s, bold: (s) => s };

/** Errors longer than this are shortened in the default text, so one target cannot crowd out the others. */
const ERROR_CHARS = 600;

const ICON = { success: '✅', failure: '❌', pending: '▫️' } as const;

/** The first line: what happened, where. */
function headline(view: RunView): string {
  if (view.test) return `🧪 Test message from snapshotter on ${view.hostname}`;
  switch (view.status) {
    case 'started':
      return `▶️ Backup started on ${view.hostname}`;
    case 'success':
      return `✅ Backup succeeded on ${view.hostname}`;
    case 'partial_failure':
      return `⚠️ Backup partially failed on ${view.hostname}`;
    default:
      return `❌ Backup failed on ${view.hostname}`;
  }
}

/** Shortens a long value so one target cannot crowd out the others. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One target's line: status, artifact, size, duration, error, warnings, pruned. */
function targetLine(t: TargetView): string {
  const parts: string[] = [];
  if (t.status === 'success' && t.artifact) parts.push(t.artifact);
  if (t.status === 'success' && t.size_bytes !== null) parts.push(sizeText(t.size_bytes));
  if (t.duration_seconds !== null && t.status !== 'pending') parts.push(durationText(t.duration_seconds));
  if (t.status === 'failure') parts.push(`error: ${clip(t.error ?? 'failed', ERROR_CHARS)}`);
  if (t.warnings.length > 0) {
    const codes = [...new Set(t.warnings.map((w) => w.code))].join(', ');
    parts.push(`${t.warnings.length} warning${t.warnings.length > 1 ? 's' : ''} (${codes})`);
  }
  if (t.deleted.length > 0) parts.push(`pruned ${t.deleted.length}`);
  return `${ICON[t.status]} ${t.name} (${t.type})${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/** The default text for a view, escaped with `style`. */
export function defaultText(view: RunView, style: TextStyle = PLAIN): string {
  const e = style.escape;
  const lines = [style.bold(e(headline(view)))];
  if (view.test) {
    lines.push(e('Notifications reach this destination. No backup was made.'));
    return lines.join('\n');
  }
  let second = summaryText(view);
  if (view.duration_seconds !== null) second += ` in ${durationText(view.duration_seconds)}`;
  if (view.interrupted) second += ` (interrupted by ${view.interrupted})`;
  if (view.dry_run) second = `[dry run] ${second}`;
  lines.push(e(second));
  for (const t of view.targets) lines.push(e(targetLine(t)));
  return lines.join('\n');
}
