// The DigitalOcean endpoints a droplet snapshot needs (see ../shared/specs/CONTRACTS.md), with forgiving
// response schemas that declare only the fields used.
import * as z from 'zod';
import type { CloudApi } from '../_cloud/api.js';
import type { DeleteOutcome } from '../_cloud/prune.js';

const Action = z.object({
  id: z.number().int(),
  status: z.string().default('in-progress'),
  type: z.string().optional(),
});
export type DoAction = z.infer<typeof Action>;

const ActionResponse = z.object({ action: Action });

const Snapshot = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  name: z.string(),
  created_at: z.string().optional(),
  size_gigabytes: z.number().nullish(),
  type: z.string().optional(),
});
export type DoSnapshot = z.infer<typeof Snapshot>;

const SnapshotPage = z.object({
  snapshots: z.array(Snapshot).default([]),
  links: z
    .object({ pages: z.object({ next: z.string().optional() }).passthrough().optional() })
    .passthrough()
    .optional(),
  meta: z.object({ total: z.number().optional() }).passthrough().optional(),
});

/** The most a list is followed: 1000 pages of 200 is far beyond any droplet's snapshots. */
const MAX_PAGES = 1000;
const PER_PAGE = 200;

/** Every snapshot of a droplet (all pages; `links.pages.next` is followed while it stays on our API endpoint). */
export async function listDropletSnapshots(api: CloudApi, dropletId: number, deadline?: number): Promise<DoSnapshot[]> {
  const path = `/v2/droplets/${dropletId}/snapshots`;
  const all: DoSnapshot[] = [];
  let url = api.url(path, { page: 1, per_page: PER_PAGE });
  const seen = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    seen.add(url);
    const body = await api.json('GET', url, [200], SnapshotPage, { deadline });
    all.push(...body.snapshots);
    const next = body.links?.pages?.next;
    if (!next || body.snapshots.length === 0) return all;
    // A link to another host would carry the token there: only its page number is used then.
    const nextPage = new URL(next, api.baseUrl).searchParams.get('page');
    url = api.sameOrigin(next) ? next : api.url(path, { page: nextPage ?? page + 1, per_page: PER_PAGE });
    if (seen.has(url)) return all;
  }
  throw new Error(`GET ${api.url(path)}: more than ${MAX_PAGES} pages of snapshots; refusing to go on`);
}

/** Starts a snapshot of the droplet: `POST /v2/droplets/{id}/actions {type: snapshot, name}`, sent once (no retry). */
export async function snapshotDroplet(api: CloudApi, dropletId: number, name: string, deadline?: number): Promise<DoAction> {
  const url = api.url(`/v2/droplets/${dropletId}/actions`);
  const body = await api.json('POST', url, [201], ActionResponse, { json: { type: 'snapshot', name }, deadline, retries: 0 });
  return body.action;
}

/** One look at an action: `GET /v2/actions/{id}`. */
export async function getAction(api: CloudApi, actionId: number, deadline?: number): Promise<DoAction> {
  const body = await api.json('GET', api.url(`/v2/actions/${actionId}`), [200], ActionResponse, { deadline });
  return body.action;
}

/** `DELETE /v2/snapshots/{id}`: 204 deleted, 404 already gone, anything else an error. */
export async function deleteSnapshot(api: CloudApi, snapshotId: string): Promise<DeleteOutcome> {
  const url = api.url(`/v2/snapshots/${encodeURIComponent(snapshotId)}`);
  const res = await api.raw('DELETE', url);
  if (res.status === 204 || res.status === 200) return { kind: 'deleted' };
  if (res.status === 404) return { kind: 'gone' };
  throw api.unexpected('DELETE', url, res);
}
