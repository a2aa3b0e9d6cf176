// The S3 client of one remote: the SDK loaded on first use (a run without remotes never pays for it), checksums
// only where a request needs them (S3-compatible services reject the SDK's new default headers), our own retry.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '../../logging/logger.js';
import { RemoteDeadlineError } from '../types.js';
import { describeS3Error, isRetryable, RemoteError } from './errors.js';
import type { S3Remote } from './schema.js';

export type Sdk = typeof import('@aws-sdk/client-s3');

const ATTEMPTS = 4;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;

/** The SDK, with its Node-version support warning kept off the user's terminal and log. */
export async function loadSdk(): Promise<Sdk> {
  // The SDK's own switch (read in @aws-sdk/core emitWarningIfUnsupportedVersion); an operator's value wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return import('@aws-sdk/client-s3');
}

const ignore = (): void => undefined;
/** The SDK's own logger: without one it prints to the console (e.g. on every failed streamed part); we log ourselves. */
const SDK_QUIET = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

/** A client for the remote; the SDK does not retry (we do, per request and per part). */
export function createClient(sdk: Sdk, config: S3Remote): S3Client {
  return new sdk.S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.force_path_style,
    credentials: { accessKeyId: config.access_key_id, secretAccessKey: config.secret_access_key },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    logger: SDK_QUIET,
    // Without throwOnRequestTimeout the handler only prints a warning and waits forever.
    requestHandler: {
      connectionTimeout: config.request_timeout,
      requestTimeout: config.request_timeout,
      throwOnRequestTimeout: true,
    },
  });
}

/** `remote "offsite" (s3 https://host, bucket b)` — endpoint and bucket, never a key. */
export function describeRemote(config: S3Remote): string {
  const endpoint = config.endpoint ?? `https://s3.${config.region}.amazonaws.com`;
  return `remote "${config.name}" (s3 ${endpoint}, bucket ${config.bucket})`;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export interface Attempt {
  logger: Logger;
  signal: AbortSignal;
  /** `PUT key part 3`: what the log says was retried. */
  what: string;
  where: string;
  bucket: string;
}

/** The signal's reason; a deadline says where and on what it ran out. */
function aborted(attempt: Attempt): Error {
  const reason = attempt.signal.reason as Error;
  if (!(reason instanceof RemoteDeadlineError)) return reason;
  return new RemoteError(`${attempt.where}: ${reason.message} waiting for ${attempt.what}`, { cause: reason });
}

/** Runs one request, retrying 500/503/SlowDown/timeouts/dropped connections with backoff; a final error names the remote. */
export async function withRetry<T>(attempt: Attempt, request: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    if (attempt.signal.aborted) throw aborted(attempt);
    try {
      return await request();
    } catch (error) {
      if (attempt.signal.aborted) throw aborted(attempt);
      if (n + 1 < ATTEMPTS && isRetryable(error)) {
        const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** n) * (0.5 + Math.random() / 2);
        attempt.logger.warn(
          { request: attempt.what, attempt: n + 1, error: describeS3Error(error, attempt.bucket) },
          'remote request failed; retrying',
        );
        await sleep(delay, attempt.signal).catch(() => {
          throw aborted(attempt);
        });
        continue;
      }
      throw new RemoteError(`${attempt.where}: ${attempt.what}: ${describeS3Error(error, attempt.bucket)}`, { cause: error });
    }
  }
}
