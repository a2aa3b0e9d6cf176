import * as z from 'zod';
import { cloudShape, resourceId } from '../_cloud/schema.js';
import { targetBaseShape } from '../../config/common.js';
import { defineSpec } from '../types.js';

export const HETZNER_API = 'https://api.hetzner.cloud/v1';

export const HetznerTarget = z
  .strictObject({
    ...targetBaseShape,
    ...cloudShape(HETZNER_API),
    type: z.literal('hetzner'),
    server_id: resourceId,
  })
  .superRefine((target, ctx) => {
    // The name is the value of the `snapshotter-target` label: at most 63 characters, ending in a letter or digit.
    if (target.name.length > 63 || !/[a-z0-9]$/.test(target.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'a hetzner target name becomes a label value: at most 63 characters, ending in a letter or digit',
      });
    }
  });
export type HetznerTarget = z.infer<typeof HetznerTarget>;

export const hetznerSpec = defineSpec({
  type: 'hetzner',
  schema: HetznerTarget,
  storage: 'cloud',
  secrets: ['token'],
  paths: [],
  formats: [],
});
