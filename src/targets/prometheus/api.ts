// Prometheus' HTTP API as this target uses it: the snapshot call (never retried: a lost answer would leave a
// snapshot nobody knows of), the read-only flags, and the errors an operator can act on.
import * as z from 'zod';
import { HttpError, send, sendJson, type HttpOptions } from '../../http/client.js';
import type { Redactor } from '../../util/redact.js';
import type { PrometheusTarget } from './schema.js';

export const ADMIN_HINT = 'start Prometheus with --web.enable-admin-api';

/** A snapshot name as Prometheus makes it (`20060102T150405Z-<hex>`); anything else is never used in a path. */
export const SNAPSHOT_NAME = /^\d{8}T\d{6}Z-[0-9a-f]{1,64}$/;

const SnapshotAnswer = z.looseObject({ data: z.looseObject({ name: z.string() }) });
const FlagsAnswer = z.looseObject({ data: z.record(z.string(), z.unknown()) });

export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
}

export interface Api {
  url: string;
  http: HttpOptions;
  headers: Record<string, string>;
}

/** Request headers and HTTP options from the config; the encoded basic-auth value is masked like the password. */
export function makeApi(config: PrometheusTarget, redactor: Redactor, signal: AbortSignal): Api {
  const headers: Record<string, string> = { ...config.headers };
  if (config.bearer_token !== undefined) headers.authorization = `Bearer ${config.bearer_token}`;
  if (config.basic_auth !== undefined) {
    const encoded = Buffer.from(`${config.basic_auth.username}:${config.basic_auth.password}`).toString('base64');
    redactor.add(encoded);
    headers.authorization = `Basic ${encoded}`;
  }
  const http: HttpOptions = { timeoutMs: config.request_timeout, retries: 0, signal, redact: (t) => redactor.redact(t) };
  return { url: config.url, http, headers };
}

/** Turns the HTTP client's errors into what the operator has to do. */
function explain(api: Api, error: unknown): unknown {
  if (!(error instanceof HttpError)) return error;
  const where = api.http.redact(api.url);
  if (error.details.providerMessage === 'admin APIs disabled') {
    return new PrometheusError(`the admin API of Prometheus at ${where} is disabled: ${ADMIN_HINT}`, { cause: error });
  }
  if (error.status === undefined) {
    return new PrometheusError(`cannot reach Prometheus at ${where} (check url)`, { cause: error });
  }
  if (error.status === 401 || error.status === 403) {
    return new PrometheusError(`Prometheus at ${where} refused the credentials (check bearer_token, basic_auth, headers)`, {
      cause: error,
    });
  }
  return error;
}

/** POST /api/v1/admin/tsdb/snapshot: the new snapshot's name. */
export async function createSnapshot(api: Api, skipHead: boolean): Promise<string> {
  const url = `${api.url}/api/v1/admin/tsdb/snapshot${skipHead ? '?skip_head=true' : ''}`;
  let answer: z.infer<typeof SnapshotAnswer>;
  try {
    answer = await sendJson({ method: 'POST', url, headers: api.headers }, api.http, [200], SnapshotAnswer);
  } catch (error) {
    if (error instanceof HttpError && error.status === undefined && error.message.includes('no answer within')) {
      throw new PrometheusError(
        `Prometheus at ${api.http.redact(api.url)} did not answer the snapshot call in time (request_timeout); it may still make ` +
          'the snapshot, which snapshotter then does not know of: look in <data_dir>/snapshots',
        { cause: error },
      );
    }
    throw explain(api, error);
  }
  const name = answer.data.name;
  if (!SNAPSHOT_NAME.test(name)) {
    throw new PrometheusError(`Prometheus answered with an unexpected snapshot name ${JSON.stringify(name)}; it is not touched`);
  }
  return name;
}

export interface AdminCheck {
  /** Prometheus' own --storage.tsdb.path, when it says. */
  tsdbPath: string | undefined;
  adminEnabled: boolean;
}

/**
 * Read-only: GET /api/v1/status/flags, or undefined when the flags are not readable (a proxy in front may hide
 * them); refused credentials and an unreachable server throw.
 */
export async function readFlags(api: Api): Promise<Record<string, unknown> | undefined> {
  const http = { ...api.http, retries: 2 };
  try {
    const answer = await sendJson(
      { method: 'GET', url: `${api.url}/api/v1/status/flags`, headers: api.headers },
      http,
      [200],
      FlagsAnswer,
    );
    return answer.data;
  } catch (error) {
    if (!(error instanceof HttpError) || error.status === undefined || error.status === 401 || error.status === 403) {
      throw explain(api, error);
    }
    return undefined;
  }
}

/** Prometheus' own --storage.tsdb.path, when its flags say. */
export function tsdbPathOf(flags: Record<string, unknown> | undefined): string | undefined {
  return typeof flags?.['storage.tsdb.path'] === 'string' ? flags['storage.tsdb.path'] : undefined;
}

/** Whether the admin API is on (the flags, else a probe that makes no snapshot) and where the TSDB is. */
export async function checkAdmin(api: Api): Promise<AdminCheck> {
  const flags = await readFlags(api);
  const tsdbPath = tsdbPathOf(flags);
  const admin = flags?.['web.enable-admin-api'];
  if (admin === 'true' || admin === 'false') return { tsdbPath, adminEnabled: admin === 'true' };
  return { tsdbPath, adminEnabled: await probeAdmin(api) };
}

/**
 * Where the flags are not readable (a proxy in front): a snapshot call with an invalid skip_head. Prometheus checks
 * the admin switch first (500 "admin APIs disabled"), then the parameter (400 bad_data), so no snapshot is made.
 */
async function probeAdmin(api: Api): Promise<boolean> {
  const url = `${api.url}/api/v1/admin/tsdb/snapshot?skip_head=snapshotter-dry-run`;
  let res;
  try {
    res = await send({ method: 'POST', url, headers: api.headers }, api.http);
  } catch (error) {
    const explained = explain(api, error);
    if (explained instanceof PrometheusError && explained.message.includes(ADMIN_HINT)) return false;
    throw explained;
  }
  if (res.status === 400) return true;
  throw new PrometheusError(
    `cannot tell whether the admin API of Prometheus at ${api.http.redact(api.url)} is on (HTTP ${res.status})`,
  );
}
