import * as z from 'zod';
import { entryBaseShape, jsonTemplate, per } from '../common.js';
import { httpUrl } from '../url.js';

export const WebhookEntry = z.strictObject({
  ...entryBaseShape,
  per: per.optional(),
  url: httpUrl,
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name'), z.string()).default({}),
  payload: jsonTemplate.optional(),
});
export type WebhookEntry = z.infer<typeof WebhookEntry>;
