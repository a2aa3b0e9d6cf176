// The Hetzner Cloud endpoints a server snapshot needs (see ../shared/specs/CONTRACTS.md), with forgiving
// response schemas that declare only the fields used.
import * as z from 'zod';
import type { CloudApi } from '../_cloud/api.js';

const Image = z.object({
  id: z.number().int().transform(String),
  type: z.string(),
  status: z.string().default('available'),
  description: z.string().nullish(),
  image_size: z.number().nullish(),
  created: z.string().optional(),
  labels: z.record(z.string(), z.string()).nullish(),
});
export type HcImage = z.infer<typeof Image>;

const Action = z.object({
  id: z.number().int(),
  status: z.string(),
  progress: z.number().optional(),
  error: z.object({ code: z.string().optional(), message: z.string().optional() }).nullish(),
});
export type HcAction = z.infer<typeof Action>;

const CreateResponse = z.object({ image: Image.nullish(), action: Action.nullish() });
const ActionResponse = z.object({ action: Action });
const ImageResponse = z.object({ image: Image });
const ImagePage = z.object({
  images: z.array(Image).default([]),
  meta: z
    .object({ pagination: z.object({ next_page: z.number().int().nullish() }).partial() })
    .partial()
    .optional(),
});

/** Hetzner documents 50 as the largest page. */
const PER_PAGE = 50;
const MAX_PAGES = 1000;

/** Every snapshot image the label selector matches (all pages, following `meta.pagination.next_page`). */
export async function listSnapshots(api: CloudApi, labelSelector: string, deadline?: number): Promise<HcImage[]> {
  const all: HcImage[] = [];
  let page = 1;
  for (let n = 0; n < MAX_PAGES; n += 1) {
    const url = api.url('/images', { type: 'snapshot', label_selector: labelSelector, per_page: PER_PAGE, page });
    const body = await api.json('GET', url, [200], ImagePage, { deadline });
    all.push(...body.images);
    const next = body.meta?.pagination?.next_page;
    if (!next || next <= page || body.images.length === 0) return all;
    page = next;
  }
  throw new Error(`GET ${api.url('/images')}: more than ${MAX_PAGES} pages of images; refusing to go on`);
}

/** `POST /servers/{id}/actions/create_image` with type snapshot, a description and our labels; sent once (no retry). */
export async function createImage(
  api: CloudApi,
  serverId: number,
  description: string,
  labels: Record<string, string>,
  deadline?: number,
): Promise<{ image: HcImage | null; action: HcAction | null }> {
  const url = api.url(`/servers/${serverId}/actions/create_image`);
  const body = await api.json('POST', url, [201], CreateResponse, {
    json: { type: 'snapshot', description, labels },
    deadline,
    retries: 0,
  });
  return { image: body.image ?? null, action: body.action ?? null };
}

/** One look at an action: `GET /actions/{id}`. */
export async function getAction(api: CloudApi, actionId: number, deadline?: number): Promise<HcAction> {
  return (await api.json('GET', api.url(`/actions/${actionId}`), [200], ActionResponse, { deadline })).action;
}

/** The image as it is now, or null when it no longer exists. */
export async function getImage(api: CloudApi, imageId: string): Promise<HcImage | null> {
  const url = api.url(`/images/${encodeURIComponent(imageId)}`);
  const res = await api.raw('GET', url);
  if (res.status === 404) return null;
  if (res.status !== 200) throw api.unexpected('GET', url, res);
  const parsed = ImageResponse.safeParse(res.body);
  if (!parsed.success) throw new Error(`GET ${url}: unexpected response body (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data.image;
}

/** `DELETE /images/{id}`: deleted, already gone (404), protected (423), or an error. */
export async function deleteImage(api: CloudApi, imageId: string): Promise<'deleted' | 'gone' | { protected: string }> {
  const url = api.url(`/images/${encodeURIComponent(imageId)}`);
  const res = await api.raw('DELETE', url);
  if (res.status === 204 || res.status === 200) return 'deleted';
  if (res.status === 404) return 'gone';
  if (res.status === 423) return { protected: api.unexpected('DELETE', url, res).message };
  throw api.unexpected('DELETE', url, res);
}
