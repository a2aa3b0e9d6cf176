// `run --dry-run` for remotes: per target and remote, the uploads a run would make (the new backup, then every
// complete local backup the remote lacks), the unfinished multipart uploads a killed run left and it would abort,
// and what remote retention would delete — with list and get calls only.
import { join } from 'node:path';
import { readCatalog } from '../archive/catalog.js';
import type { TargetConfig } from '../targets/registry.js';
import { errorMessage } from '../util/errors.js';
import { missingOn, staleUploads } from './copy.js';
import { remotesOf, type RemoteRun } from './phase.js';
import { openStore } from './registry.js';
import { pruneRemote } from './retention.js';

export interface RemotePlan {
  target: string;
  remote: string;
  where: string | null;
  uploads: string[];
  deletions: string[];
  /** Multipart uploads a killed run left, which the run would abort (`key (started ISO)`). */
  stale_uploads: string[];
  error: string | null;
}

/** The remote plans of the selected targets, each failure a value. */
export async function planRemotes(
  run: RemoteRun & { now: () => Date },
  selected: readonly TargetConfig[],
): Promise<RemotePlan[]> {
  const plans: RemotePlan[] = [];
  for (const target of selected) {
    for (const remote of remotesOf(run.config, target)) {
      const plan: RemotePlan = {
        target: target.name,
        remote: remote.name,
        where: null,
        uploads: [],
        deletions: [],
        stale_uploads: [],
        error: null,
      };
      const logger = run.logger.child({ target: target.name, remote: remote.name, dry_run: true });
      try {
        const store = await openStore(remote, { logger, signal: run.signal });
        try {
          plan.where = store.where;
          const host = run.config.hostname;
          const local = (await readCatalog(join(run.config.backup_dir, target.name), target.name)).complete;
          const stale = await staleUploads(store, host, target.name, run.now());
          plan.stale_uploads = stale.map((u) => `${u.key} (started ${u.initiated.toISOString()})`);
          const newName = `(the new backup of ${target.name})`;
          plan.uploads = [newName, ...(await missingOn(store, host, target.name, local)).map((b) => b.name)];
          const pruned = await pruneRemote(store, host, target.name, remote.retention ?? target.retention, {
            dryRun: true,
            planned: { name: newName, time: run.now() },
          });
          plan.deletions = pruned.deleted;
        } finally {
          store.close();
        }
      } catch (error) {
        plan.error = run.redactor.redact(errorMessage(error));
      }
      plans.push(plan);
    }
  }
  return plans;
}

/** The plans as the dry run prints them. */
export function formatRemotePlans(plans: readonly RemotePlan[]): string {
  const out: string[] = [];
  for (const p of plans) {
    out.push(`copy of ${p.target} to remote ${p.remote}${p.where ? ` ${p.where.replace(/^remote "[^"]*" /, '')}` : ''}:`);
    for (const upload of p.stale_uploads) out.push(`  would abort the unfinished multipart upload ${upload}`);
    for (const name of p.uploads) out.push(`  would upload ${name}`);
    for (const name of p.deletions) out.push(`  would delete on the remote ${name}`);
    if (p.error) out.push(`  ! ${p.error}`);
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}
