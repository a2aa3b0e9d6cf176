// A real S3 protocol server (s3rver: objects on disk, multipart uploads; it checks the access key id but not
// signatures or checksums, and has no object lock) on 127.0.0.1, and a small front in front of it that records
// every request and injects faults: 5xx on the next writes, an outage, a hanging answer, a canned S3 error.
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from '../helpers/net.js';

export const ACCESS_KEY_ID = 'S3RVER';
export const SECRET_ACCESS_KEY = 'S3RVER';
export const BUCKET = 'backups';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Fault {
  /** Answer with this status and S3 error code instead of forwarding. */
  status: number;
  code: string;
  extra?: Record<string, string>;
  /** Only requests this matches (default: every write). */
  match?: (r: Recorded) => boolean;
  /** How many requests to fail (default: until cleared). */
  times?: number;
}

const isWrite = (r: Recorded): boolean => r.method === 'PUT' || r.method === 'POST' || r.method === 'DELETE';

export class S3Front {
  readonly requests: Recorded[] = [];
  private faults: Fault[] = [];
  private hanging = false;
  private down = false;
  private listeners: ((r: Recorded) => void)[] = [];

  constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  fail(fault: Fault): void {
    this.faults.push(fault);
  }
  /** Every connection is dropped without an answer. */
  outage(on: boolean): void {
    this.down = on;
  }
  /** Requests are accepted and never answered. */
  hang(on: boolean): void {
    this.hanging = on;
  }
  reset(): void {
    this.faults = [];
    this.down = false;
    this.hanging = false;
    this.requests.length = 0;
  }
  writes(): Recorded[] {
    return this.requests.filter(isWrite);
  }
  /** Resolves on the first request that matches (an observed event, not a delay). */
  next(match: (r: Recorded) => boolean): Promise<Recorded> {
    return new Promise((resolve) => {
      const listener = (r: Recorded): void => {
        if (!match(r)) return;
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(r);
      };
      this.listeners.push(listener);
    });
  }

  /** Handles one request: record, maybe fault, else forward to s3rver. */
  handle(target: number, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const r: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    this.requests.push(r);
    for (const l of [...this.listeners]) l(r);
    if (this.down) return void req.socket.destroy();
    if (this.hanging) return void req.resume();
    const fault = this.faults.find((f) => (f.match ?? isWrite)(r) && (f.times === undefined || f.times > 0));
    if (fault) {
      if (fault.times !== undefined) fault.times -= 1;
      const extra = Object.entries(fault.extra ?? {})
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join('');
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/xml' });
      return void res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message>${extra}</Error>`,
      );
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    // A client killed mid-body must not leave s3rver waiting for the rest (its close() would wait forever).
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

export interface S3Setup {
  /** s3rver's own endpoint. */
  direct: string;
  front: S3Front;
  /** Where s3rver keeps its objects. */
  dir: string;
  close(): Promise<void>;
}

/** Starts s3rver (bucket `backups`) and a front on free ports; close() stops both. */
export async function startS3(dir: string): Promise<S3Setup> {
  const port = await freePort();
  const s3 = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory: join(dir, 's3rver'),
    configureBuckets: [{ name: BUCKET }],
  });
  await s3.run();
  const frontPort = await freePort();
  const server = createServer((req, res) => front.handle(port, req, res));
  const front = new S3Front(server, `http://127.0.0.1:${frontPort}`);
  server.listen(frontPort, '127.0.0.1');
  await once(server, 'listening');
  return {
    direct: `http://127.0.0.1:${port}`,
    front,
    dir: join(dir, 's3rver'),
    close: async () => {
      await front.close();
      await s3.close();
    },
  };
}
