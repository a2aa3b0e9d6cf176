// Hetzner Cloud server snapshots: create an image labelled as ours, wait for the action, keep the newest
// keep_last of ours. Ours = type snapshot with labels managed-by=snapshotter and snapshotter-target=<name>,
// checked again on the image itself right before it is deleted; a delete-protected image is a warning.
import { CloudApi } from '../_cloud/api.js';
import { createLimits, createOnce } from '../_cloud/create.js';
import { step } from '../_cloud/errors.js';
import { finishSnapshot, gigabytesToBytes } from '../_cloud/outcome.js';
import { planSnapshot } from '../_cloud/plan.js';
import type { DeleteOutcome } from '../_cloud/prune.js';
import { managedTime, newestFirst, snapshotName } from '../_cloud/retention.js';
import { waitForTargetAction, type ActionState } from '../_cloud/wait.js';
import type { BackupOutcome, Plan, PlanContext, RemoteBackup, TargetContext } from '../types.js';
import { createImage, deleteImage, getAction, getImage, listSnapshots, type HcAction, type HcImage } from './api.js';
import type { HetznerTarget } from './schema.js';

export const MANAGED_BY = 'snapshotter';

/** The labels that mark an image as this target's: set on create, required before any delete. */
function labelsFor(target: string): Record<string, string> {
  return { 'managed-by': MANAGED_BY, 'snapshotter-target': target };
}

/** The label selector that lists only this target's images. */
function selectorFor(target: string): string {
  return `managed-by=${MANAGED_BY},snapshotter-target=${target}`;
}

/** Ours: a snapshot image whose labels say so (the selector filters on the server; this checks it here too). */
function isOurs(target: string, image: HcImage): boolean {
  return (
    image.type === 'snapshot' && image.labels?.['managed-by'] === MANAGED_BY && image.labels['snapshotter-target'] === target
  );
}

/** An image as a remote backup; its time is the stamp in its description, else its creation time. */
function toRemote(target: string, image: HcImage): RemoteBackup {
  const created = image.created ? new Date(image.created) : new Date(0);
  return {
    name: image.description || `image-${image.id}`,
    id: image.id,
    time: managedTime(target, image.description) ?? created,
    size_bytes: gigabytesToBytes(image.image_size),
    state: image.status,
  };
}

/** Every image of ours, all pages, with the labels checked here as well as by the selector. */
async function listOurs(api: CloudApi, target: string, deadline?: number): Promise<RemoteBackup[]> {
  const images = await listSnapshots(api, selectorFor(target), deadline);
  return images.filter((i) => isOurs(target, i)).map((i) => toRemote(target, i));
}

/** Hetzner's action status (running, success, error) in the shared wait's terms, with its error code. */
function actionState(action: HcAction): ActionState {
  if (action.status === 'success') return { state: 'done' };
  if (action.status === 'error') {
    const reason =
      [action.error?.code, action.error?.message].filter(Boolean).join(': ') || 'Hetzner reports the action as failed';
    return { state: 'failed', reason };
  }
  return { state: 'running', progress: action.progress };
}

/** An image's status in the shared wait's terms (used when the create answer, and its action, was lost). */
function imageState(image: HcImage | null): ActionState {
  if (!image) return { state: 'failed', reason: 'the image disappeared while it was being created' };
  if (image.status === 'available') return { state: 'done' };
  if (image.status === 'creating') return { state: 'running' };
  return { state: 'failed', reason: `the image is ${image.status}` };
}

/** Deletes one of ours after reading it again: gone or relabelled by a person means it stays; 423 (protected) too. */
async function removeImage(api: CloudApi, target: string, snapshot: RemoteBackup): Promise<DeleteOutcome> {
  const fresh = await getImage(api, snapshot.id);
  if (!fresh) return { kind: 'gone' };
  if (!isOurs(target, fresh)) {
    return { kind: 'skipped', code: 'not_managed', reason: `its labels no longer say ${selectorFor(target)}` };
  }
  const result = await deleteImage(api, snapshot.id);
  if (result === 'deleted') return { kind: 'deleted' };
  if (result === 'gone') return { kind: 'gone' };
  return { kind: 'skipped', code: 'delete_protected', reason: result.protected };
}

/** One backup: create the labelled image, wait, find it, prune our oldest beyond keep_last. */
export async function backupServer(ctx: TargetContext, config: HetznerTarget): Promise<BackupOutcome> {
  const api = new CloudApi(ctx, config);
  const server = `server ${config.server_id}`;
  const started = Date.now();
  const deadline = started + config.wait_timeout;
  const name = snapshotName(config.name, ctx.now());
  ctx.logger.info({ snapshot: name, server_id: config.server_id }, 'creating snapshot');
  const outcome = await step(`creating snapshot ${name} of ${server}`, () =>
    createOnce({
      ...createLimits(ctx, config, name, deadline),
      create: () => createImage(api, config.server_id, name, labelsFor(config.name), deadline),
      find: async () =>
        (await listSnapshots(api, selectorFor(config.name), deadline)).find(
          (i) => isOurs(config.name, i) && i.description === name,
        ),
    }),
  );
  const created = 'created' in outcome ? outcome.created : { image: outcome.found, action: null };
  const action = created.action;
  if (action) {
    await waitForTargetAction(ctx, config, {
      what: `snapshot action ${action.id} of ${server}`,
      initial: actionState(action),
      check: async (d) => actionState(await getAction(api, action.id, d)),
      deadline,
    });
  } else if (created.image) {
    // Found by name after a failed create answer: follow the image itself until it is available.
    const imageId = created.image.id;
    await waitForTargetAction(ctx, config, {
      what: `snapshot image ${imageId} of ${server}`,
      initial: imageState(created.image),
      check: async () => imageState(await getImage(api, imageId)),
      deadline,
    });
  } else {
    throw new Error(`creating snapshot ${name} of ${server}: the answer held no action to wait for`);
  }
  const managed = await step(`listing the snapshots of ${server}`, () => listOurs(api, config.name));
  const imageId = created.image?.id;
  let mine = managed.find((s) => (imageId ? s.id === imageId : s.name === name));
  if (!mine && imageId) {
    // The list may lag behind the action: read the image itself.
    const image = await step(`reading snapshot ${name} (image ${imageId})`, () => getImage(api, imageId));
    if (image && isOurs(config.name, image)) managed.push((mine = toRemote(config.name, image)));
  }
  if (!mine) throw new Error(`the snapshot action of ${server} succeeded, but image ${imageId ?? name} cannot be found`);
  ctx.logger.info({ snapshot: name, id: mine.id, seconds: Math.round((Date.now() - started) / 1000) }, 'snapshot completed');
  return finishSnapshot(ctx, config, {
    provider: 'hetzner',
    resource: { server_id: config.server_id },
    created: mine,
    managed,
    remove: (s) => removeImage(api, config.name, s),
    extra: { action_id: action?.id ?? null },
  });
}

/** The dry run: one listing (GET), then what would be created and deleted. */
export function planServer(ctx: PlanContext, config: HetznerTarget): Promise<Plan> {
  const api = new CloudApi(ctx, config);
  return planSnapshot({
    resource: `server ${config.server_id}`,
    config,
    now: ctx.now(),
    list: async () => {
      const managed = await listOurs(api, config.name);
      return { managed, others: 0, taken: new Set(managed.map((s) => s.name)) };
    },
    create: (name) =>
      `POST ${api.url(`/servers/${config.server_id}/actions/create_image`)} ` +
      JSON.stringify({ type: 'snapshot', description: name, labels: labelsFor(config.name) }),
    poll: `GET ${api.url('/actions/{id}')}`,
  });
}

/** The snapshots this target made, newest first (for `list` and `status`). */
export async function listServer(ctx: PlanContext, config: HetznerTarget): Promise<RemoteBackup[]> {
  const api = new CloudApi(ctx, config);
  return newestFirst(await step(`listing the snapshots of server ${config.server_id}`, () => listOurs(api, config.name)));
}
