import { posix } from 'node:path';
import * as z from 'zod';
import { targetBaseShape } from '../../config/common.js';
import { defineSpec } from '../types.js';

export const FilesystemTarget = z.strictObject({
  ...targetBaseShape,
  type: z.literal('filesystem'),
  paths: z
    .array(
      z
        .string()
        .min(1)
        .refine((p) => p.startsWith('/'), 'must be an absolute path')
        // `/srv/a/../data`, `/srv//data/.`, `/srv/data/` are stored as `srv/data`: restore accepts every entry
        .transform((p) => posix.resolve(p)),
    )
    .min(1, 'name at least one path'),
  exclude: z.array(z.string().min(1)).default([]),
});
export type FilesystemTarget = z.infer<typeof FilesystemTarget>;

export const filesystemSpec = defineSpec({
  type: 'filesystem',
  schema: FilesystemTarget,
  storage: 'archive',
  secrets: [],
  paths: ['paths'],
  formats: ['tar'],
});
