// The HTTP side of a cloud target: the provider's base URL, the bearer token, the request timeout and retries
// from the config, retries logged, and every message passed through the run's redactor.
import type { z } from 'zod';
import {
  send,
  sendJson,
  statusError,
  type HttpError,
  type HttpOptions,
  type HttpRequest,
  type HttpResponse,
} from '../../http/client.js';
import type { Logger } from '../../logging/logger.js';
import type { Redactor } from '../../util/redact.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import type { CloudOptions } from './schema.js';

export type Query = Record<string, string | number | undefined>;

export interface CloudApiContext {
  logger: Logger;
  redactor: Redactor;
  signal: AbortSignal;
}

export interface CallOptions {
  json?: unknown;
  /** No attempt starts and no retry wait ends after this time (ms since epoch). */
  deadline?: number | undefined;
  /** Retries for this call instead of the target's (0 for a create: see create.ts). */
  retries?: number;
}

/** One provider endpoint with one token; the only place a target's token is put on the wire. */
export class CloudApi {
  readonly baseUrl: string;

  constructor(
    private readonly ctx: CloudApiContext,
    private readonly config: Pick<CloudOptions, 'token' | 'api_url' | 'request_timeout' | 'retries'>,
  ) {
    this.baseUrl = config.api_url;
    // The config loader registered it already; a target built by other code must not leak it either.
    ctx.redactor.add(config.token);
  }

  /** An absolute URL under the API base with the query parameters that are set. */
  url(path: string, query: Query = {}): string {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.append(key, String(value));
    return url.toString();
  }

  /** Whether a URL the provider handed back (a pagination link) points at our API endpoint, so the token may go there. */
  sameOrigin(url: string): boolean {
    try {
      return new URL(url).origin === new URL(this.baseUrl).origin;
    } catch {
      return false;
    }
  }

  /** The request with our token and user agent: built here only, so no other code handles the header. */
  private request(method: HttpRequest['method'], url: string, call: CallOptions): HttpRequest {
    return {
      method,
      url,
      headers: { authorization: `Bearer ${this.config.token}`, 'user-agent': `${TOOL_NAME}/${TOOL_VERSION}` },
      ...(call.json === undefined ? {} : { json: call.json }),
    };
  }

  /** The HTTP client's limits from the target's config, with retries logged and messages redacted. */
  private options(deadline: number | undefined, retries = this.config.retries): HttpOptions {
    return {
      timeoutMs: this.config.request_timeout,
      retries,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      deadline,
      signal: this.ctx.signal,
      redact: (text) => this.ctx.redactor.redact(text),
      onRetry: ({ attempt, delayMs, reason }) =>
        this.ctx.logger.warn({ attempt, delay_ms: delayMs, reason }, 'provider request failed; retrying'),
    };
  }

  /** A request whose answer must have one of the expected statuses and a body the schema accepts. */
  json<T>(
    method: HttpRequest['method'],
    url: string,
    expect: readonly number[],
    schema: z.ZodType<T>,
    call: CallOptions = {},
  ): Promise<T> {
    return sendJson(this.request(method, url, call), this.options(call.deadline, call.retries), expect, schema);
  }

  /** A request whose status the caller judges itself (404 gone, 423 protected). */
  raw(method: HttpRequest['method'], url: string, call: CallOptions = {}): Promise<HttpResponse> {
    return send(this.request(method, url, call), this.options(call.deadline));
  }

  /** The error for a `raw` answer the caller did not expect (status, provider code and message, request id). */
  unexpected(method: HttpRequest['method'], url: string, res: HttpResponse): HttpError {
    return statusError(this.request(method, url, {}), this.options(undefined), res);
  }
}
