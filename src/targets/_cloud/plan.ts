// The dry run of a cloud target: GET requests only. It lists the snapshots, names the one it would create, the
// request it would send, how long it would wait, and what retention would delete.
import type { Plan, RemoteBackup } from '../types.js';
import { formatDuration } from '../../util/duration.js';
import { errorMessage } from '../../util/errors.js';
import { retentionSteps } from './prune.js';
import { chooseExpired, freeSnapshotName } from './retention.js';
import type { CloudOptions } from './schema.js';

export interface Listing {
  /** The snapshots this target made, in any order. */
  managed: RemoteBackup[];
  /** How many other snapshots the listing showed (never touched). */
  others: number;
  /** Names in use, so the plan shows the name a run would really pick. */
  taken: Set<string>;
}

export interface PlanInput {
  /** `droplet 123`, `server 456`. */
  resource: string;
  config: CloudOptions;
  now: Date;
  list: () => Promise<Listing>;
  /** The request that would create the snapshot, given its name. */
  create: (name: string) => string;
  /** The request that would be polled. */
  poll: string;
}

/** Both providers' dry run: what a run would create, poll and delete, from one read-only listing. */
export async function planSnapshot(input: PlanInput): Promise<Plan> {
  const { config } = input;
  let listing: Listing;
  try {
    listing = await input.list();
  } catch (error) {
    return {
      steps: [`would create a snapshot of ${input.resource}`],
      problems: [`cannot list the snapshots of ${input.resource}: ${errorMessage(error)}`],
    };
  }
  const name = freeSnapshotName(config.name, input.now, listing.taken);
  const virtual: RemoteBackup = { name, id: '(new)', time: input.now, size_bytes: null, state: 'new' };
  const { keep, expire } = chooseExpired([...listing.managed, virtual], config.retention.keep_last, virtual.id);
  const steps = [
    `${input.resource}: ${listing.managed.length} snapshot${listing.managed.length === 1 ? '' : 's'} made by this target`,
    `would send ${input.create(name)}`,
    `would poll ${input.poll} every ${formatDuration(config.poll_interval)} for at most ${formatDuration(config.wait_timeout)}`,
    ...retentionSteps(config.retention.keep_last, keep, expire, listing.others),
  ];
  return { steps, problems: [] };
}
