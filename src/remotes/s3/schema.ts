// The `type: s3` remote's config (DESIGN §11): endpoint, bucket, credentials, multipart limits, object lock.
import * as z from 'zod';
import { boolLike, duration, intLike, retention, size, targetName } from '../../config/common.js';

/** S3's own floor for every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** S3's ceiling for a part. */
export const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;

/** The keys of an s3 remote whose values are secrets (masked everywhere, accepted as `<key>_file`). */
export const S3_SECRETS = ['access_key_id', 'secret_access_key'] as const;

export const S3Remote = z.strictObject({
  name: targetName,
  type: z.literal('s3'),
  endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  region: z.string().min(1).default('us-east-1'),
  bucket: z.string().min(1),
  prefix: z
    .string()
    .default('')
    .refine((p) => p === '' || (p.endsWith('/') && !p.startsWith('/')), 'must be empty or end with "/" (and not start with it)'),
  access_key_id: z.string().min(1),
  secret_access_key: z.string().min(1),
  force_path_style: boolLike.default(false),
  storage_class: z
    .string()
    .regex(/^[A-Z_]+$/, 'an S3 storage class such as STANDARD_IA')
    .optional(),
  part_size: size
    .pipe(z.number().min(MIN_PART_SIZE, 'must be at least 5m (the S3 minimum part size)').max(MAX_PART_SIZE))
    .default(16 * 1024 * 1024),
  max_parts: intLike.pipe(z.number().int().min(1).max(10_000)).default(10_000),
  object_lock: z
    .strictObject({
      mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
      days: intLike.pipe(z.number().int().min(1).max(36_500)),
    })
    .optional(),
  retention: retention.optional(),
  /** How long a request may wait for the endpoint before it counts as not answering. */
  request_timeout: duration.default(60_000),
});
export type S3Remote = z.infer<typeof S3Remote>;
