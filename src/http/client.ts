// A small JSON HTTP client on undici shared by cloud targets, Prometheus and notifiers: per-request timeout,
// retries with backoff on network errors and 5xx, 429 honoured, a deadline for the whole operation, and
// errors whose every URL and message passes the redactor.
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { errorMessage } from '../util/errors.js';
import { HttpError, providerError } from './errors.js';
import { backoffDelay, isRetryableStatus, MAX_SERVER_DELAY_MS, serverDelay, tooLongWait, type Headers } from './retry.js';

export interface HttpOptions {
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The longest wait a server may ask for (429 Retry-After or a reset header); a longer one fails at once. */
  maxServerDelayMs?: number;
  /** Absolute time (ms since epoch) after which no attempt starts and no wait is made. */
  deadline?: number;
  signal?: AbortSignal;
  redact: (text: string) => string;
  /** Called before each retry (for logging). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (with its own content-type header). */
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly delayMs: number | undefined,
    readonly final: HttpError,
  ) {
    super(message);
  }
}

/** undici, loaded at the first request (transport.ts). */
let transport: Promise<typeof import('./transport.js')> | undefined;

async function attempt(req: HttpRequest, options: HttpOptions, signal: AbortSignal): Promise<HttpResponse> {
  const { request } = await (transport ??= import('./transport.js'));
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body = req.body;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] = 'application/json';
  }
  const response = await request(req.url, { method: req.method, headers, body, signal });
  const text = await response.body.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: response.statusCode, headers: response.headers, body: parsed, text };
}

function describe(req: HttpRequest, options: HttpOptions): string {
  return `${req.method} ${options.redact(req.url)}`;
}

/** The HttpError for a response the caller did not expect: status, provider code and message, request id. */
export function statusError(req: HttpRequest, options: HttpOptions, res: HttpResponse): HttpError {
  const provider = providerError(res.body, res.headers);
  const parts = [`${describe(req, options)}: HTTP ${res.status}`];
  if (provider.code) parts.push(provider.code);
  // Masked before it is cut: a cut through a secret would leave part of it unmasked.
  const message = provider.message ?? (res.body === undefined ? options.redact(res.text).slice(0, 200).trim() : undefined);
  const text = `${parts.join(' ')}${message ? `: ${message}` : ''}${provider.requestId ? ` (request id ${provider.requestId})` : ''}`;
  return new HttpError(options.redact(text), {
    method: req.method,
    url: options.redact(req.url),
    status: res.status,
    code: provider.code,
    providerMessage: message === undefined ? undefined : options.redact(message),
    requestId: provider.requestId,
  });
}

/** Sends a request with retries; resolves with any 2xx–4xx response that is not retried, throws HttpError otherwise. */
export async function send(req: HttpRequest, options: HttpOptions): Promise<HttpResponse> {
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  for (let n = 0; ; n += 1) {
    options.signal?.throwIfAborted();
    const remaining = options.deadline === undefined ? Infinity : options.deadline - Date.now();
    if (remaining <= 0)
      throw new HttpError(`${describe(req, options)}: deadline passed`, {
        method: req.method,
        url: options.redact(req.url),
        deadline: true,
      });
    const timeout = AbortSignal.timeout(Math.max(1, Math.min(options.timeoutMs, remaining)));
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let failure: RetryableError;
    try {
      const res = await attempt(req, options, signal);
      if (!isRetryableStatus(res.status)) return res;
      const error = statusError(req, options, res);
      failure = new RetryableError(
        error.message,
        res.status === 429 ? serverDelay(res.headers, res.body, Date.now()) : undefined,
        error,
      );
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const reason = timeout.aborted
        ? `no answer within ${Math.round(Math.min(options.timeoutMs, remaining))} ms`
        : errorMessage(error);
      const final = new HttpError(
        options.redact(`${describe(req, options)}: ${reason}`),
        { method: req.method, url: options.redact(req.url) },
        { cause: error },
      );
      failure = new RetryableError(final.message, undefined, final);
    }
    if (n >= options.retries) throw failure.final;
    const cap = options.maxServerDelayMs ?? MAX_SERVER_DELAY_MS;
    if (failure.delayMs !== undefined && failure.delayMs > cap) {
      throw new HttpError(`${failure.final.message} (${tooLongWait(failure.delayMs, cap)})`, failure.final.details);
    }
    const delay = failure.delayMs ?? backoffDelay(n, base, max);
    if (options.deadline !== undefined && Date.now() + delay >= options.deadline) {
      throw new HttpError(`${failure.final.message} (no retry: waiting ${Math.ceil(delay / 1000)}s would pass the deadline)`, {
        ...failure.final.details,
        deadline: true,
      });
    }
    options.onRetry?.({ attempt: n + 1, delayMs: delay, reason: failure.message });
    await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
  }
}

/** Sends a request and requires one of the expected statuses; parses the body with a forgiving schema. */
export async function sendJson<T>(
  req: HttpRequest,
  options: HttpOptions,
  expect: readonly number[],
  schema?: z.ZodType<T>,
): Promise<T> {
  const res = await send(req, options);
  if (!expect.includes(res.status)) throw statusError(req, options, res);
  if (!schema) return res.body as T;
  const parsed = schema.safeParse(res.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(
      `${describe(req, options)}: unexpected response body (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`,
      { method: req.method, url: options.redact(req.url), status: res.status },
    );
  }
  return parsed.data;
}

export { HttpError };
