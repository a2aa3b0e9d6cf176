import * as z from 'zod';
import { cloudShape, resourceId } from '../_cloud/schema.js';
import { targetBaseShape } from '../../config/common.js';
import { defineSpec } from '../types.js';

export const DIGITALOCEAN_API = 'https://api.digitalocean.com';

export const DigitaloceanTarget = z.strictObject({
  ...targetBaseShape,
  ...cloudShape(DIGITALOCEAN_API),
  type: z.literal('digitalocean'),
  droplet_id: resourceId,
});
export type DigitaloceanTarget = z.infer<typeof DigitaloceanTarget>;

export const digitaloceanSpec = defineSpec({
  type: 'digitalocean',
  schema: DigitaloceanTarget,
  storage: 'cloud',
  secrets: ['token'],
  paths: [],
  formats: [],
});
