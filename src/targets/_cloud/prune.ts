// Applying cloud retention: delete the expired snapshots one by one; one that cannot be deleted is a warning
// that names it (the new snapshot exists, so the backup itself succeeded), never a reason to stop the others.
import type { Logger } from '../../logging/logger.js';
import type { RemoteBackup } from '../types.js';
import { errorMessage } from '../../util/errors.js';

/** What deleting one snapshot came to: deleted, already gone, or skipped with a reason (protected, not ours). */
export type DeleteOutcome = { kind: 'deleted' } | { kind: 'gone' } | { kind: 'skipped'; code: string; reason: string };

export interface PruneContext {
  logger: Logger;
  warn(code: string, message: string): void;
}

/** Deletes each expired snapshot through `remove`; returns the names deleted and how many were already gone. */
export async function pruneSnapshots<T extends RemoteBackup>(
  ctx: PruneContext,
  expire: readonly T[],
  remove: (snapshot: T) => Promise<DeleteOutcome>,
): Promise<{ deleted: string[]; gone: number }> {
  const deleted: string[] = [];
  let gone = 0;
  for (const snapshot of expire) {
    try {
      const outcome = await remove(snapshot);
      if (outcome.kind === 'deleted') {
        deleted.push(snapshot.name);
        ctx.logger.info({ snapshot: snapshot.name, id: snapshot.id }, 'deleted an old snapshot');
      } else if (outcome.kind === 'gone') {
        gone += 1;
        ctx.logger.info({ snapshot: snapshot.name, id: snapshot.id }, 'old snapshot already gone');
      } else {
        ctx.warn(outcome.code, `snapshot ${snapshot.name} (id ${snapshot.id}) kept: ${outcome.reason}`);
      }
    } catch (error) {
      ctx.warn('prune_failed', `could not delete snapshot ${snapshot.name} (id ${snapshot.id}): ${errorMessage(error)}`);
    }
  }
  return { deleted, gone };
}

/** The dry-run lines for cloud retention: what stays, what would go, and that nothing else is touched. */
export function retentionSteps(
  keepLast: number | undefined,
  keep: readonly RemoteBackup[],
  expire: readonly RemoteBackup[],
  others: number,
): string[] {
  const steps: string[] = [];
  if (keepLast === undefined) {
    steps.push('retention: no keep_last, every snapshot is kept');
  } else {
    steps.push(`retention: keep the newest ${keepLast} snapshots this target made (counting the new one)`);
    steps.push(
      expire.length === 0 ? 'would delete nothing' : `would delete ${expire.map((s) => `${s.name} (id ${s.id})`).join(', ')}`,
    );
    if (keep.length > 0) steps.push(`would keep ${keep.map((s) => s.name).join(', ')}`);
  }
  if (others > 0)
    steps.push(`${others} other snapshot${others === 1 ? '' : 's'} (made by hand, by other tools or targets) never touched`);
  return steps;
}
