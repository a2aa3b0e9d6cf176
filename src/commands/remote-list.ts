// `list --remote NAME` and `status --remote NAME [--all-hosts]`: the complete backups a remote holds for this host's
// targets (or, for status --all-hosts, every host found under the prefix) — a fleet view with no server.
import type { Io, Session } from '../app.js';
import type { ListedBackup, TargetInventory, TargetStatus } from '../orchestrator/inventory.js';
import { hostsAndTargets, readRemoteCatalog } from '../remotes/catalog.js';
import { FUTURE_DATED } from '../retention/future.js';
import { withRemote } from '../remotes/open.js';
import type { RemoteStore } from '../remotes/types.js';
import { EXIT } from '../report.js';
import type { TargetConfig } from '../targets/registry.js';
import { errorMessage } from '../util/errors.js';
import { formatInventory, formatStatus } from './retention-format.js';

async function inventoryOf(
  session: Session,
  store: RemoteStore,
  host: string,
  name: string,
  type: string,
): Promise<TargetInventory> {
  const now = Date.now();
  const result: TargetInventory = { name, type, backups: [], not_backups: [], error: null };
  try {
    const catalog = await readRemoteCatalog(store, host, name);
    result.backups = catalog.complete.map((b): ListedBackup => ({
      name: b.name,
      time: b.time.toISOString(),
      age_seconds: Math.max(0, Math.round((now - b.time.getTime()) / 1000)),
      size_bytes: b.size_bytes,
      state: 'complete',
      location: 'remote',
    }));
    result.not_backups = catalog.incomplete.map((b) => ({ name: b.name, reason: b.reason }));
  } catch (error) {
    result.error = session.redactor.redact(errorMessage(error));
    session.log.logger.error({ target: name, error: result.error }, 'could not list remote backups');
  }
  return result;
}

/** `list --remote NAME`: this host's selected targets on the remote. */
export async function remoteList(
  session: Session,
  io: Io,
  remote: string,
  selected: TargetConfig[],
  json: boolean,
): Promise<number> {
  const ctx = { logger: session.log.logger, signal: new AbortController().signal };
  const listed = await withRemote(session.config, remote, ctx, async (store) => {
    const all: TargetInventory[] = [];
    for (const t of selected) all.push(await inventoryOf(session, store, session.config.hostname, t.name, t.type));
    return all;
  });
  io.stdout.write(json ? JSON.stringify({ remote, targets: listed }, null, 2) + '\n' : formatInventory(listed));
  return listed.some((t) => t.error !== null) ? EXIT.failure : EXIT.ok;
}

interface HostStatus extends TargetStatus {
  hostname: string;
}

function statusOf(inv: TargetInventory, limitMs: number | undefined, host: string): HostStatus {
  // A backup stamped in the future is never the newest (its clock was wrong): it would hide a stale target.
  const newest = inv.backups.find((b) => b.state !== FUTURE_DATED) ?? null;
  const future_dated = inv.backups.filter((b) => b.state === FUTURE_DATED).map((b) => b.name);
  let status: TargetStatus['status'] = 'ok';
  if (inv.error !== null) status = 'error';
  else if (newest === null) status = 'missing';
  else if (limitMs !== undefined && newest.age_seconds * 1000 > limitMs) status = 'stale';
  const max_age_seconds = limitMs === undefined ? null : limitMs / 1000;
  return { hostname: host, name: inv.name, type: inv.type, newest, max_age_seconds, status, error: inv.error, future_dated };
}

/** `status --remote NAME [--all-hosts]`: freshness of each target on the remote; exit 1 when any is not ok. */
export async function remoteStatus(
  session: Session,
  io: Io,
  remote: string,
  allHosts: boolean,
  maxAge: number | undefined,
  json: boolean,
): Promise<number> {
  const { config } = session;
  const ctx = { logger: session.log.logger, signal: new AbortController().signal };
  const statuses = await withRemote(config, remote, ctx, async (store) => {
    const found = allHosts
      ? hostsAndTargets(await store.list(store.prefix), store.prefix)
      : new Map([[config.hostname, new Set(config.targets.map((t) => t.name))]]);
    const all: HostStatus[] = [];
    for (const [host, targets] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
      for (const name of [...targets].sort()) {
        const own = config.targets.find((t) => t.name === name);
        const inv = await inventoryOf(session, store, host, name, own?.type ?? '-');
        all.push(statusOf(inv, maxAge ?? own?.max_age, host));
      }
    }
    return all;
  });
  const ok = statuses.every((s) => s.status === 'ok');
  if (json) io.stdout.write(JSON.stringify({ ok, remote, targets: statuses }, null, 2) + '\n');
  else io.stdout.write(formatStatus(statuses.map((s) => (allHosts ? { ...s, name: `${s.hostname}/${s.name}` } : s))));
  return ok ? EXIT.ok : EXIT.failure;
}
