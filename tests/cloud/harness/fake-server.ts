// The plumbing every fake provider API shares: a node http server on 127.0.0.1, a log of the requests it
// received, bearer-token checking, and faults queued for matching requests (429, 503, ...).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization: string | undefined;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Fault {
  method: string;
  path: RegExp;
  /** How many matching requests get this reply. */
  times: number;
  reply: Reply | (() => Reply);
  /** The provider handles the request (its state changes) and the client still gets `reply`: an accepted request
   * whose answer was lost (a 5xx from a proxy, a timeout). */
  accepted?: boolean;
}

export type Handler = (req: Received) => Reply;

export class FakeServer {
  readonly received: Received[] = [];
  private faults: Fault[] = [];
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly handler: Handler,
    private readonly unauthorized: () => Reply,
    private readonly extraHeaders: () => Record<string, string> = () => ({}),
    public token = '',
  ) {}

  /** Queues a reply for the next `times` requests that match. */
  fail(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearLog(): void {
    this.received.length = 0;
    this.faults = [];
  }

  private respond(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...this.extraHeaders(), ...reply.headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(reply.body));
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const received: Received = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body,
      authorization: req.headers.authorization,
    };
    this.received.push(received);
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.respond(res, this.unauthorized());
    const fault = this.faults.find((f) => f.times > 0 && f.method === received.method && f.path.test(received.path));
    if (fault) {
      fault.times -= 1;
      if (fault.accepted) this.handler(received);
      return this.respond(res, typeof fault.reply === 'function' ? fault.reply() : fault.reply);
    }
    try {
      this.respond(res, this.handler(received));
    } catch (error) {
      this.respond(res, { status: 599, body: { message: String(error) } });
    }
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => this.handle(req, res, raw));
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const closed = new Promise((ok) => this.server?.close(ok));
    this.server?.closeAllConnections();
    await closed;
  }
}

/** `/a/:id/b` style matching; returns the captured ids or undefined. */
export function match(path: string, pattern: string): string[] | undefined {
  const re = new RegExp(`^${pattern.replace(/:[a-z_]+/g, '([^/]+)')}$`);
  const m = re.exec(path);
  return m ? m.slice(1) : undefined;
}
