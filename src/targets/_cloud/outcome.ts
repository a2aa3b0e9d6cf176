// The end of every cloud backup: retention over our own snapshots (only now that the new one is complete), then
// the result the report and notifications read: name, id, size, total kept, deleted names.
import type { BackupOutcome, RemoteBackup, TargetContext } from '../types.js';
import { pruneSnapshots, type DeleteOutcome } from './prune.js';
import { chooseExpired } from './retention.js';
import type { CloudOptions } from './schema.js';

export interface FinishInput<T extends RemoteBackup> {
  provider: 'digitalocean' | 'hetzner';
  /** `{ droplet_id: 123 }` or `{ server_id: 456 }`. */
  resource: Record<string, number>;
  created: T;
  /** Every snapshot this target made, the new one included. */
  managed: T[];
  remove: (snapshot: T) => Promise<DeleteOutcome>;
  extra?: Record<string, unknown>;
}

/** Bytes for a provider's size in GB (both bill per GiB); null when it did not say. */
export function gigabytesToBytes(gb: number | null | undefined): number | null {
  return typeof gb === 'number' && Number.isFinite(gb) ? Math.round(gb * 1024 ** 3) : null;
}

/** Applies keep_last to our snapshots (never the new one) and builds the target's outcome. */
export async function finishSnapshot<T extends RemoteBackup>(
  ctx: TargetContext,
  config: CloudOptions,
  input: FinishInput<T>,
): Promise<BackupOutcome> {
  const { expire } = chooseExpired(input.managed, config.retention.keep_last, input.created.id);
  if (expire.length > 0)
    ctx.logger.info({ keep_last: config.retention.keep_last, expired: expire.map((s) => s.name) }, 'pruning old snapshots');
  const { deleted, gone } = await pruneSnapshots(ctx, expire, input.remove);
  return {
    artifact: input.created.name,
    size_bytes: input.created.size_bytes,
    sha256: null,
    deleted,
    details: {
      provider: input.provider,
      ...input.resource,
      snapshot_id: input.created.id,
      snapshot_name: input.created.name,
      total_snapshots: input.managed.length - deleted.length - gone,
      ...input.extra,
    },
  };
}
