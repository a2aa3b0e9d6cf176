// A real S3 protocol server (s3rver: objects on disk, multipart uploads; it checks the access key id but not
// signatures or checksums, and has no object lock) on 127.0.0.1, and a small front in front of it that records
// every request and injects faults: 5xx on the next writes, an outage, a hanging answer, a canned S3 error.
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll } from 'vitest';
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
    /** Where s3rver keeps the parts of unfinished multipart uploads (a folder per upload id, its key in `key`). */
    private readonly uploadsDir: string,
  ) {}

  /** The multipart uploads in progress in s3rver (key, upload id, when started). */
  pendingUploads(): { key: string; uploadId: string; initiated: Date }[] {
    if (!existsSync(this.uploadsDir)) return [];
    return readdirSync(this.uploadsDir).map((uploadId) => {
      const keyFile = join(this.uploadsDir, uploadId, 'key');
      return { key: readFileSync(keyFile, 'utf8'), uploadId, initiated: statSync(keyFile).mtime };
    });
  }

  /** s3rver has neither ListMultipartUploads nor AbortMultipartUpload (NotImplemented / 405): the front answers them. */
  private multipart(r: Recorded, res: import('node:http').ServerResponse): boolean {
    const url = new URL(r.url, 'http://front');
    const uploadId = url.searchParams.get('uploadId');
    if (r.method === 'DELETE' && uploadId) {
      rmSync(join(this.uploadsDir, uploadId), { recursive: true, force: true });
      res.writeHead(204).end();
      return true;
    }
    if (r.method !== 'GET' || url.pathname.replace(/\/$/, '') !== `/${BUCKET}` || !url.searchParams.has('uploads')) return false;
    const prefix = url.searchParams.get('prefix') ?? '';
    const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const uploads = this.pendingUploads()
      .filter((u) => u.key.startsWith(prefix))
      .map(
        (u) =>
          `<Upload><Key>${xml(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
      );
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${BUCKET}</Bucket><Prefix>${xml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`,
    );
    return true;
  }

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
    if (this.multipart(r, res)) return void req.resume();
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
  const front = new S3Front(server, `http://127.0.0.1:${frontPort}`, join(dir, 's3rver', BUCKET, '._S3rver_uploads'));
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

/** One s3rver and front for the whole test file (started before its tests, stopped after): `s3()` is the setup. */
export function useS3(): () => S3Setup {
  let setup: S3Setup | undefined;
  let root = '';
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'snapshotter-s3-'));
    setup = await startS3(root);
  });
  afterAll(async () => {
    await setup?.close();
    rmSync(root, { recursive: true, force: true });
  });
  return () => setup!;
}
