import * as z from 'zod';
import { boolLike, duration, targetBaseShape } from '../../config/common.js';
import { defineSpec } from '../types.js';

/** The TSDB path of the official image (`prom/prometheus`), used inside a container when `data_dir` is not set. */
export const CONTAINER_DATA_DIR = '/prometheus';

const httpUrl = z
  .string()
  .url('must be a URL such as http://127.0.0.1:9090')
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

export const PrometheusTarget = z
  .strictObject({
    ...targetBaseShape,
    type: z.literal('prometheus'),
    url: httpUrl.default('http://127.0.0.1:9090'),
    /** The host path of Prometheus' --storage.tsdb.path; with `container`, the path inside the container. */
    data_dir: z.string().min(1).optional(),
    skip_head: boolLike.default(false),
    bearer_token: z.string().min(1).optional(),
    basic_auth: z.strictObject({ username: z.string().min(1), password: z.string() }).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    request_timeout: duration.default(5 * 60_000),
    snapshot_wait: duration.default(30_000),
    container: z.string().min(1).optional(),
    docker_command: z.string().min(1).default('docker'),
  })
  .superRefine((t, ctx) => {
    if (t.data_dir === undefined && t.container === undefined) {
      ctx.addIssue({ code: 'custom', path: ['data_dir'], message: "required: the host path of Prometheus' --storage.tsdb.path" });
    }
    if (t.data_dir !== undefined && !t.data_dir.startsWith('/')) {
      ctx.addIssue({ code: 'custom', path: ['data_dir'], message: 'must be an absolute path' });
    }
    if (t.bearer_token !== undefined && t.basic_auth !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['basic_auth'], message: 'set either bearer_token or basic_auth, not both' });
    }
  });
export type PrometheusTarget = z.infer<typeof PrometheusTarget>;

export const prometheusSpec = defineSpec({
  type: 'prometheus',
  schema: PrometheusTarget,
  storage: 'archive',
  secrets: ['bearer_token', 'basic_auth.password', 'headers.*'],
  paths: ['data_dir'],
  formats: ['tar'],
});

/** Where the snapshots live: a host folder, or a folder inside a container. */
export function dataDirOf(config: PrometheusTarget): string {
  return config.data_dir ?? CONTAINER_DATA_DIR;
}
