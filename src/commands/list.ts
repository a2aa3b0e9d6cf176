// `snapshotter list`: the complete backups of each target (and its provider snapshots), newest first, with time,
// age, size and state. Read-only: takes no lock. Exit 1 when a target's backups could not be listed.
import { openSession, selectTargets, type GlobalOptions, type Io } from '../app.js';
import { inventory } from '../orchestrator/inventory.js';
import type { RunContext } from '../orchestrator/run-target.js';
import { EXIT } from '../report.js';
import { formatInventory } from './retention-format.js';

export interface ListOptions extends GlobalOptions {
  target?: string[];
}

/** Prints the selected targets' backups and returns the exit code. */
export async function listCommand(options: ListOptions, io: Io): Promise<number> {
  const session = await openSession(options, io);
  const { config, redactor, log } = session;
  try {
    const selected = selectTargets(config.targets, options.target);
    const run: RunContext = {
      config,
      logger: log.logger,
      redactor,
      now: () => new Date(),
      env: io.env,
      signal: new AbortController().signal,
    };
    const listed = await inventory(run, selected);
    io.stdout.write(options.json ? JSON.stringify({ targets: listed }, null, 2) + '\n' : formatInventory(listed));
    return listed.some((t) => t.error !== null) ? EXIT.failure : EXIT.ok;
  } finally {
    await log.close();
  }
}
