import { z } from 'zod';
import { cloudShape, resourceId } from '../../cloud/schema.js';
import { targetBaseShape } from '../../config/common.js';

export const DIGITALOCEAN_API = 'https://api.digitalocean.com';

export const DigitaloceanTarget = z.strictObject({
  ...targetBaseShape,
  ...cloudShape(DIGITALOCEAN_API),
  type: z.literal('digitalocean'),
  droplet_id: resourceId,
});
export type DigitaloceanTarget = z.infer<typeof DigitaloceanTarget>;
