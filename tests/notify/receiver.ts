// A local HTTP receiver on 127.0.0.1 for notification tests: records every request and answers from a script
// (status and body per request, or `hang`: accept the request and never answer).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  /** Answers for the next requests, in order; when empty, `fallback` answers. */
  queue: Answer[];
  fallback: Answer | ((req: Received) => Answer);
  close(): Promise<void>;
}

export async function startReceiver(fallback: Receiver['fallback'] = { status: 200, body: { ok: true } }): Promise<Receiver> {
  const hanging: ServerResponse[] = [];
  const state = { requests: [] as Received[], queue: [] as Answer[], fallback };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const received: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json };
      state.requests.push(received);
      const next = state.queue.shift();
      const answer = next ?? (typeof state.fallback === 'function' ? state.fallback(received) : state.fallback);
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get queue() {
      return state.queue;
    },
    set queue(q: Answer[]) {
      state.queue = q;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(f: Receiver['fallback']) {
      state.fallback = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
