// `prune --remote NAME [--dry-run]`: each selected target's remote retention on that remote (its `retention`, else
// the target's policy), without backing up. Only complete backups of this host are candidates.
import type { Io, Session } from '../app.js';
import type { TargetPrune } from '../orchestrator/retention.js';
import { withRemote } from '../remotes/open.js';
import { pruneRemote } from '../remotes/retention.js';
import { EXIT } from '../report.js';
import { describePolicy } from '../retention/policy.js';
import type { TargetConfig } from '../targets/registry.js';
import { errorMessage } from '../util/errors.js';
import { formatPrunes } from './retention-format.js';

export async function remotePrune(
  session: Session,
  io: Io,
  name: string,
  selected: TargetConfig[],
  dryRun: boolean,
  json: boolean,
): Promise<number> {
  const ctx = { logger: session.log.logger, signal: new AbortController().signal };
  const prunes = await withRemote(session.config, name, ctx, async (store, remote) => {
    const all: TargetPrune[] = [];
    for (const target of selected) {
      const policy = remote.retention ?? target.retention;
      const base: TargetPrune = {
        name: target.name,
        type: target.type,
        policy: describePolicy(policy),
        skipped: null,
        dry_run: dryRun,
        deleted: [],
        kept: [],
        not_backups: [],
        error: null,
      };
      try {
        const outcome = await pruneRemote(store, session.config.hostname, target.name, policy, { dryRun });
        base.deleted = outcome.deleted;
        base.kept = [
          ...outcome.kept,
          ...outcome.locked.map((n) => ({ name: n, reasons: 'locked: object lock refused the delete' })),
        ];
        base.not_backups = outcome.not_backups;
      } catch (error) {
        base.error = session.redactor.redact(errorMessage(error));
        session.log.logger.error({ target: target.name, remote: name, error: base.error }, 'remote retention failed');
      }
      all.push(base);
    }
    return all;
  });
  const text = (dryRun ? 'DRY RUN: nothing is deleted.\n' : '') + formatPrunes(prunes, `retention on remote ${name}`);
  io.stdout.write(json ? JSON.stringify({ dry_run: dryRun, remote: name, targets: prunes }, null, 2) + '\n' : text);
  return prunes.some((p) => p.error !== null) ? EXIT.failure : EXIT.ok;
}
