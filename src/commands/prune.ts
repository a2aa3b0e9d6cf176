// `snapshotter prune`: apply retention without backing up. Holds the run lock unless --dry-run (which deletes
// nothing and takes no lock). Exit 0 when every target was pruned, 1 when any failed, 3 when the lock is held.
import { existsSync } from 'node:fs';
import { type GlobalOptions, type Io, openSession, runContext, selectTargets } from '../app.js';
import { acquireLock, type Lock } from '../orchestrator/lock.js';
import { pruneTargets } from '../orchestrator/retention.js';
import { EXIT } from '../report.js';
import { errorMessage } from '../util/errors.js';
import { formatPrunes } from './retention-format.js';

export interface PruneCommandOptions extends GlobalOptions {
  dryRun?: boolean;
  target?: string[];
  remote?: string;
}

/** Prunes the selected targets (or shows what would go) and returns the exit code. */
export async function pruneCommand(options: PruneCommandOptions, io: Io): Promise<number> {
  const session = await openSession(options, io);
  const { config, log } = session;
  const dryRun = options.dryRun === true;
  let lock: Lock | undefined;
  try {
    const selected = selectTargets(config.targets, options.target);
    const run = runContext(session, io);
    // Without a backup folder there is nothing to prune (and no folder for the default lock file).
    if (!dryRun && existsSync(config.backup_dir)) lock = await acquireLock(config.lock_file);
    if (options.remote) {
      const { remotePrune } = await import('./remote-prune.js');
      return await remotePrune(session, io, options.remote, selected, dryRun, options.json === true);
    }
    const prunes = await pruneTargets(run, selected, { dryRun });
    const text = (dryRun ? 'DRY RUN: nothing is deleted.\n' : '') + formatPrunes(prunes);
    io.stdout.write(options.json ? JSON.stringify({ dry_run: dryRun, targets: prunes }, null, 2) + '\n' : text);
    return prunes.some((p) => p.error !== null) ? EXIT.failure : EXIT.ok;
  } finally {
    await lock
      ?.release()
      .catch((error: unknown) => log.logger.error({ error: errorMessage(error) }, 'could not release the lock'));
    await log.close();
  }
}
