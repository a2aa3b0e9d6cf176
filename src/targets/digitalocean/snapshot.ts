// DigitalOcean droplet snapshots: create, wait for the action, find the snapshot by its unique name, keep the
// newest keep_last of ours. Ours = type `snapshot` named `<target>-<YYYYMMDDTHHMMSSZ>`; nothing else is touched.
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudApi } from '../_cloud/api.js';
import { createLimits, createOnce } from '../_cloud/create.js';
import { step } from '../_cloud/errors.js';
import { finishSnapshot, gigabytesToBytes } from '../_cloud/outcome.js';
import { planSnapshot, type Listing } from '../_cloud/plan.js';
import { freeSnapshotName, managedTime, newestFirst } from '../_cloud/retention.js';
import { waitForTargetAction, type ActionState } from '../_cloud/wait.js';
import type { BackupOutcome, Plan, PlanContext, RemoteBackup, TargetContext } from '../types.js';
import { deleteSnapshot, getAction, listDropletSnapshots, snapshotDroplet, type DoAction, type DoSnapshot } from './api.js';
import type { DigitaloceanTarget } from './schema.js';

interface Managed extends RemoteBackup {
  size_gigabytes: number | null;
}

/** DigitalOcean's action status (in-progress, completed, errored) in the shared wait's terms. */
function actionState(action: DoAction): ActionState {
  if (action.status === 'completed') return { state: 'done' };
  if (action.status === 'errored') return { state: 'failed', reason: 'DigitalOcean reports the action as errored' };
  return { state: 'running' };
}

/** Our snapshots among a droplet's: type snapshot (never DigitalOcean's own backups) and our name form. */
function sortOut(target: string, all: readonly DoSnapshot[]): Omit<Listing, 'managed'> & { managed: Managed[] } {
  const managed: Managed[] = [];
  for (const s of all) {
    const time = managedTime(target, s.name);
    if (!time || (s.type !== undefined && s.type !== 'snapshot')) continue;
    const size = s.size_gigabytes ?? null;
    managed.push({ name: s.name, id: s.id, time, size_bytes: gigabytesToBytes(size), state: 'available', size_gigabytes: size });
  }
  return { managed, others: all.length - managed.length, taken: new Set(all.map((s) => s.name)) };
}

/** After the action completed, the snapshot appears in the droplet's list; look until the wait deadline. */
async function findByName(ctx: TargetContext, api: CloudApi, config: DigitaloceanTarget, name: string, deadline: number) {
  for (;;) {
    const all = await listDropletSnapshots(api, config.droplet_id, deadline);
    const found = sortOut(config.name, all);
    const created = newestFirst(found.managed.filter((s) => s.name === name))[0];
    if (created) return { created, managed: found.managed };
    if (Date.now() + config.poll_interval >= deadline) {
      throw new Error(`the snapshot action completed, but no snapshot named ${name} appeared within wait_timeout`);
    }
    ctx.logger.debug({ snapshot: name }, 'snapshot not listed yet');
    await sleep(config.poll_interval, undefined, { signal: ctx.signal });
  }
}

/** One backup: list (to pick a free name), create, wait, find by name, prune our oldest beyond keep_last. */
export async function backupDroplet(ctx: TargetContext, config: DigitaloceanTarget): Promise<BackupOutcome> {
  const api = new CloudApi(ctx, config);
  const droplet = `droplet ${config.droplet_id}`;
  const started = Date.now();
  const deadline = started + config.wait_timeout;
  const before = await step(`listing the snapshots of ${droplet}`, () => listDropletSnapshots(api, config.droplet_id, deadline));
  const name = freeSnapshotName(config.name, ctx.now(), new Set(before.map((s) => s.name)));
  ctx.logger.info({ snapshot: name, droplet_id: config.droplet_id }, 'creating snapshot');
  const outcome = await step(`creating snapshot ${name} of ${droplet}`, () =>
    createOnce({
      ...createLimits(ctx, config, name, deadline),
      create: () => snapshotDroplet(api, config.droplet_id, name, deadline),
      // DigitalOcean lists a snapshot once its action completed: found means done.
      find: async () => (await listDropletSnapshots(api, config.droplet_id, deadline)).find((s) => s.name === name),
    }),
  );
  const action = 'created' in outcome ? outcome.created : undefined;
  if (action) {
    await waitForTargetAction(ctx, config, {
      what: `snapshot action ${action.id} of ${droplet}`,
      initial: actionState(action),
      check: async (d) => actionState(await getAction(api, action.id, d)),
      deadline,
    });
  }
  const { created, managed } = await step(`finding snapshot ${name} of ${droplet}`, () =>
    findByName(ctx, api, config, name, deadline),
  );
  ctx.logger.info({ snapshot: name, id: created.id, seconds: Math.round((Date.now() - started) / 1000) }, 'snapshot completed');
  return finishSnapshot(ctx, config, {
    provider: 'digitalocean',
    resource: { droplet_id: config.droplet_id },
    created,
    managed,
    remove: (s) => deleteSnapshot(api, s.id),
    extra: { action_id: action?.id ?? null, size_gigabytes: created.size_gigabytes },
  });
}

/** The dry run: one listing (GET), then what would be created and deleted. */
export function planDroplet(ctx: PlanContext, config: DigitaloceanTarget): Promise<Plan> {
  const api = new CloudApi(ctx, config);
  return planSnapshot({
    resource: `droplet ${config.droplet_id}`,
    config,
    now: ctx.now(),
    list: async () => sortOut(config.name, await listDropletSnapshots(api, config.droplet_id)),
    create: (name) => `POST ${api.url(`/v2/droplets/${config.droplet_id}/actions`)} {"type":"snapshot","name":"${name}"}`,
    poll: `GET ${api.url('/v2/actions/{action_id}')}`,
  });
}

/** The snapshots this target made, newest first (for `list` and `status`). */
export async function listDroplet(ctx: PlanContext, config: DigitaloceanTarget): Promise<RemoteBackup[]> {
  const api = new CloudApi(ctx, config);
  const all = await step(`listing the snapshots of droplet ${config.droplet_id}`, () =>
    listDropletSnapshots(api, config.droplet_id),
  );
  return newestFirst(sortOut(config.name, all).managed).map(({ name, id, time, size_bytes, state }) => ({
    name,
    id,
    time,
    size_bytes,
    state,
  }));
}
