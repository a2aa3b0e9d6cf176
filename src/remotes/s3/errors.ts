// S3 errors in words an operator can act on, each naming the remote, its endpoint and bucket — never a secret.

/** A remote failed; the message already names the remote. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

interface S3Failure {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  ServerTime?: string;
  RequestTime?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'Throttling',
  'ThrottlingException',
  'TimeoutError',
  'RequestTimeoutException',
]);

function failure(error: unknown): S3Failure {
  return error && typeof error === 'object' ? error : {};
}

/** The S3 error code (`NoSuchBucket`, `SlowDown`...) or the network error code. */
export function errorCode(error: unknown): string | undefined {
  const f = failure(error);
  return f.Code ?? (f.name && f.name !== 'Error' && f.name !== 'S3ServiceException' ? f.name : undefined) ?? f.code;
}

export function httpStatus(error: unknown): number | undefined {
  return failure(error).$metadata?.httpStatusCode;
}

/** Worth another try: 500/503, SlowDown, a request timeout or a dropped connection (not 501: the service lacks it). */
export function isRetryable(error: unknown): boolean {
  const code = errorCode(error);
  if (code === 'RequestTimeTooSkewed' || code === 'NotImplemented') return false;
  const status = httpStatus(error);
  if (status === 501) return false;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (code && (RETRYABLE_NAMES.has(code) || NETWORK_CODES.has(code))) return true;
  return status === undefined && code === undefined;
}

/** An ISO time or S3's compact `20261201T140000Z`, in ms. */
function parseTime(text: string | undefined): number {
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  return Date.parse(
    compact ? `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}Z` : (text ?? ''),
  );
}

/** How far the machine's clock is from the server's, from a RequestTimeTooSkewed answer. */
function skewText(f: S3Failure): string {
  const server = parseTime(f.ServerTime);
  const request = parseTime(f.RequestTime);
  if (Number.isNaN(server) || Number.isNaN(request)) return 'by more than 15 minutes';
  const minutes = Math.round((request - server) / 60_000);
  return `by ${Math.abs(minutes)} minutes (${minutes > 0 ? 'ahead of' : 'behind'} the server's clock)`;
}

/** One sentence for an S3 failure: what went wrong and what to check. */
export function describeS3Error(error: unknown, bucket: string): string {
  const f = failure(error);
  const code = errorCode(error);
  switch (code) {
    case 'NoSuchBucket':
      return `bucket "${bucket}" does not exist`;
    case 'InvalidAccessKeyId':
      return 'the access key id is not known to the service (check access_key_id)';
    case 'SignatureDoesNotMatch':
      return 'the request signature was refused: the secret access key is wrong (check secret_access_key)';
    case 'AccessDenied':
      return `access denied to bucket "${bucket}" (the key lacks permission for this operation)`;
    case 'RequestTimeTooSkewed':
      return `this machine's clock is off ${skewText(f)}; S3 accepts 15 minutes: fix the clock (NTP)`;
    case 'TimeoutError':
    case 'RequestTimeout':
    case 'RequestTimeoutException':
      return 'the endpoint did not answer in time';
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the endpoint cannot be reached (${code})`;
    default: {
      const status = httpStatus(error);
      const text = (f.message ?? '').replace(/\s+/g, ' ').trim() || 'no message';
      return `${code ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${text}`;
    }
  }
}
