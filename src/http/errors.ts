// HTTP errors that say what an operator needs: method, URL (secrets masked), status, the provider's error
// code and message, and its request id.

export interface HttpErrorDetails {
  method: string;
  url: string;
  status?: number | undefined;
  code?: string | undefined;
  providerMessage?: string | undefined;
  requestId?: string | undefined;
  /** Set when the operation's deadline, not the server, ended the attempts. */
  deadline?: boolean | undefined;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly details: HttpErrorDetails;

  constructor(message: string, details: HttpErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.details = details;
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

/** Reads the error code, message and request id out of the usual provider error bodies. */
export function providerError(body: unknown, headers: Record<string, string | string[] | undefined>) {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const nested = (b.error && typeof b.error === 'object' ? b.error : {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
  const header = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    // DigitalOcean {id, message, request_id}; Hetzner {error: {code, message}}; Telegram {error_code, description};
    // Prometheus {errorType, error}.
    code: str(nested.code) ?? str(b.id) ?? str(b.errorType) ?? str(b.error_code),
    message: str(nested.message) ?? str(b.message) ?? str(b.description) ?? str(b.error),
    requestId: str(b.request_id) ?? header('x-request-id') ?? header('x-correlation-id'),
  };
}
