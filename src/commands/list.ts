// `snapshotter list`: the complete backups of each target (and its provider snapshots), newest first, with time,
// age, size and state. Read-only: takes no lock. Exit 1 when a target's backups could not be listed.
import { type GlobalOptions, type Io, openSession, runContext, selectTargets } from '../app.js';
import { inventory } from '../orchestrator/inventory.js';
import { EXIT } from '../report.js';
import { formatInventory } from './retention-format.js';

export interface ListOptions extends GlobalOptions {
  target?: string[];
  remote?: string;
}

/** Prints the selected targets' backups and returns the exit code. */
export async function listCommand(options: ListOptions, io: Io): Promise<number> {
  const session = await openSession(options, io);
  const { config, log } = session;
  try {
    const selected = selectTargets(config.targets, options.target);
    if (options.remote) {
      const { remoteList } = await import('./remote-list.js');
      return await remoteList(session, io, options.remote, selected, options.json === true);
    }
    const run = runContext(session, io);
    const listed = await inventory(run, selected);
    io.stdout.write(options.json ? JSON.stringify({ targets: listed }, null, 2) + '\n' : formatInventory(listed));
    return listed.some((t) => t.error !== null) ? EXIT.failure : EXIT.ok;
  } finally {
    await log.close();
  }
}
