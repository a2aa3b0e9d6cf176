// `snapshotter status`: per target the newest complete backup and its age. Exit 1 when any target's newest backup
// is older than --max-age (else the target's `max_age`) or it has none — a freshness check that still fires when
// cron silently stopped running snapshotter. Read-only: takes no lock.
import { type GlobalOptions, type Io, openSession, runContext } from '../app.js';
import { freshness, inventory } from '../orchestrator/inventory.js';
import { EXIT } from '../report.js';
import { parseDuration } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { formatStatus } from './retention-format.js';

export interface StatusOptions extends GlobalOptions {
  maxAge?: string;
  remote?: string;
  allHosts?: boolean;
}

/** The --max-age flag in milliseconds, or a usage error that shows how to write it. */
function maxAgeFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--max-age ${JSON.stringify(text)} is not a duration: write it like 26h, 90m or 2d`);
  return ms;
}

/** Prints every target's freshness and returns 0 only when all are fresh. */
export async function statusCommand(options: StatusOptions, io: Io): Promise<number> {
  const maxAge = maxAgeFlag(options.maxAge);
  const session = await openSession(options, io);
  const { config, log } = session;
  try {
    if (options.allHosts && !options.remote) throw new UsageError('--all-hosts needs --remote NAME');
    if (options.remote) {
      const { remoteStatus } = await import('./remote-list.js');
      return await remoteStatus(session, io, options.remote, options.allHosts === true, maxAge, options.json === true);
    }
    const run = runContext(session, io);
    const statuses = freshness(config.targets, await inventory(run, config.targets), maxAge);
    const ok = statuses.every((s) => s.status === 'ok');
    io.stdout.write(options.json ? JSON.stringify({ ok, targets: statuses }, null, 2) + '\n' : formatStatus(statuses));
    return ok ? EXIT.ok : EXIT.failure;
  } finally {
    await log.close();
  }
}
