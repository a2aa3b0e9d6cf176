import * as z from 'zod';
import { entryBaseShape, textTemplate } from '../common.js';
import { httpUrl } from '../url.js';

export const HealthchecksEntry = z.strictObject({
  ...entryBaseShape,
  url: httpUrl,
  body: textTemplate.optional(),
});
export type HealthchecksEntry = z.infer<typeof HealthchecksEntry>;
