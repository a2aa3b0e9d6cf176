// Retention applied to one target's folder. Only complete backups (archive + sidecar + manifest that agree) are
// candidates; every other file is left alone. A backup goes archive first, then sidecar, then manifest: a crash
// midway leaves an orphaned sidecar/manifest (the next locked run removes it), never something that looks complete.
import { join } from 'node:path';
import { removeQuietly, syncDir } from '../archive/atomic.js';
import { readCatalog, type Backup, type IncompleteBackup } from '../archive/catalog.js';
import { MANIFEST_SUFFIX, SIDECAR_SUFFIX } from '../archive/names.js';
import type { Retention } from '../config/common.js';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import { decideRetention, type DecideOptions, type Dated, type RetentionDecision } from './policy.js';

/** A deletion failed; `deleted` holds the backups removed before it. */
export class RetentionError extends Error {
  override readonly name = 'RetentionError';

  constructor(
    message: string,
    readonly deleted: string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface PruneOptions {
  /** Decide and report, delete nothing. */
  dryRun: boolean;
  /** Backup names never deleted, whatever the policy says (the backup this run just wrote). */
  pinned?: readonly string[];
  /** The clock (future-dated backups) and the shrink hold. */
  decide?: DecideOptions;
  logger?: Logger;
}

export interface PruneOutcome<T extends Dated = Backup> {
  decision: RetentionDecision<T>;
  /** Archive names deleted (none in a dry run). */
  deleted: string[];
  /** Archive-named files that are not complete backups: never candidates, reported so people can look. */
  incomplete: IncompleteBackup[];
}

/** Decides like decideRetention, then moves pinned backups from the delete list to the keep list. */
export function decideWithPins<T extends Dated>(
  backups: readonly T[],
  policy: Retention,
  pinned: readonly string[] = [],
  options: DecideOptions = {},
): RetentionDecision<T> {
  const decision = decideRetention(backups, policy, options);
  const pins = decision.remove.filter((b) => pinned.includes(b.name));
  if (pins.length === 0) return decision;
  const keep = [...decision.keep, ...pins.map((backup) => ({ backup, reasons: [{ rule: 'new_backup' as const }] }))];
  keep.sort((a, b) => b.backup.time.getTime() - a.backup.time.getTime());
  return { keep, remove: decision.remove.filter((b) => !pinned.includes(b.name)) };
}

/** Deletes one backup's three files in the order that never leaves a complete-looking partial. */
async function deleteBackup(backup: Backup): Promise<void> {
  await removeQuietly(backup.path);
  await removeQuietly(backup.path + SIDECAR_SUFFIX);
  await removeQuietly(backup.path + MANIFEST_SUFFIX);
}

/** Applies a policy to the complete backups of `target` in `dir`; with dryRun only decides. */
export async function pruneTarget(dir: string, target: string, policy: Retention, options: PruneOptions): Promise<PruneOutcome> {
  const catalog = await readCatalog(dir, target);
  const decision = decideWithPins(catalog.complete, policy, options.pinned, options.decide);
  const outcome: PruneOutcome = { decision, deleted: [], incomplete: catalog.incomplete };
  if (options.dryRun || decision.remove.length === 0) return outcome;
  try {
    for (const backup of decision.remove) {
      try {
        await deleteBackup(backup);
      } catch (error) {
        throw new RetentionError(`could not delete backup ${join(dir, backup.name)}: ${errorMessage(error)}`, outcome.deleted, {
          cause: error,
        });
      }
      outcome.deleted.push(backup.name);
      options.logger?.info({ target, deleted: backup.name }, 'retention deleted a backup');
    }
  } finally {
    await syncDir(dir).catch((error: unknown) =>
      options.logger?.warn({ target, error: errorMessage(error) }, 'could not fsync the backup folder after pruning'),
    );
  }
  return outcome;
}

/** What pruning would do, read-only; `planned` is a backup about to be written (run --dry-run), pinned as new. */
export async function planPrune(
  dir: string,
  target: string,
  policy: Retention,
  planned?: Dated,
  options: DecideOptions = {},
): Promise<PruneOutcome<Dated>> {
  const catalog = await readCatalog(dir, target);
  const candidates: Dated[] = planned ? [...catalog.complete, planned] : catalog.complete;
  const decision = decideWithPins(candidates, policy, planned ? [planned.name] : [], options);
  return { decision, deleted: [], incomplete: catalog.incomplete };
}
