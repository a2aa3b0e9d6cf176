// What `restore` prints: the dry-run listing as entries come, the summary, skipped entries, and for a Prometheus
// archive the steps that bring a TSDB snapshot back.
import { join } from 'node:path';
import type { Action } from '../restore/plan.js';
import type { RestoreArchiveResult } from '../restore/restore-archive.js';
import { displayName } from '../util/byte-names.js';
import { formatBytes } from '../util/duration.js';

const KIND_LABEL: Record<Exclude<Action, { kind: 'skip' }>['kind'], string> = {
  dir: 'dir     ',
  file: 'file    ',
  symlink: 'symlink ',
  hardlink: 'hardlink',
};

/** One dry-run line: kind, path under DIR, size or link target. */
export function formatAction(to: string, action: Exclude<Action, { kind: 'skip' }>, size: number): string {
  const where = join(to, displayName(action.rel));
  if (action.kind === 'symlink') return `  ${KIND_LABEL.symlink} ${where} -> ${displayName(action.target)}`;
  if (action.kind === 'hardlink') return `  ${KIND_LABEL.hardlink} ${where} => ${join(to, displayName(action.target))}`;
  if (action.kind === 'file') return `  ${KIND_LABEL.file} ${where} (${formatBytes(size)})`;
  return `  ${KIND_LABEL.dir} ${where}/`;
}

/** The reminder for a Prometheus TSDB snapshot, or undefined for other archives. */
export function prometheusReminder(result: RestoreArchiveResult): string | undefined {
  if (result.manifest.target.type !== 'prometheus') return undefined;
  const dataDir = typeof result.manifest.source.data_dir === 'string' ? result.manifest.source.data_dir : undefined;
  const blocks = result.tsdbDirs.length > 0 ? result.tsdbDirs.map((d) => join(result.to, d)).join(', ') : result.to;
  return [
    `This archive is a Prometheus TSDB snapshot (target "${result.manifest.target.name}"). To bring it back into Prometheus:`,
    '  1. stop Prometheus (for example: systemctl stop prometheus);',
    `  2. copy the block folders (ULID-named, each with meta.json, index and chunks/) from ${blocks}`,
    `     into Prometheus' data dir (its --storage.tsdb.path${dataDir ? `, here ${dataDir}` : ''}); to replace the data`,
    '     rather than add to it, move the old data dir aside first;',
    '  3. give them to the user Prometheus runs as (for example: chown -R prometheus:prometheus <data dir>);',
    '  4. start Prometheus: it loads the blocks at startup.',
  ].join('\n');
}

/** The closing lines of a restore or dry run. */
export function formatSummary(result: RestoreArchiveResult): string {
  const lines: string[] = [];
  const what = `${result.entries} entries (${formatBytes(result.bytes)} of file content)`;
  if (result.dryRun) lines.push(`DRY RUN: nothing was written; would restore ${what} from ${result.archive} into ${result.to}`);
  else lines.push(`restored ${what} from ${result.archive} into ${result.to}`);
  if (result.skipped.length > 0) {
    lines.push(`skipped ${result.skipped.length} entries (each is named on stderr in a line starting "skipped")`);
  }
  const reminder = prometheusReminder(result);
  if (reminder) lines.push('', reminder);
  return lines.join('\n') + '\n';
}
