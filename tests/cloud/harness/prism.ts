// Stoplight Prism in proxy mode between the client and a local fake, and a recording front in front of Prism:
// client -> recorder -> Prism (validates against the official spec) -> fake. The recorder notes every answer
// that Prism made up because a request or a response broke the spec, so a test can fail on it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export { specAvailable, specPath, startPrism, type PrismProxy } from '../../helpers/prism.js';

export interface Exchange {
  method: string;
  url: string;
  status: number;
}

export interface Violation extends Exchange {
  body: string;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || HOP.has(key)) continue;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export interface Recorder {
  url: string;
  exchanges: Exchange[];
  violations: Violation[];
  clear(): void;
  stop(): Promise<void>;
}

/** A front that forwards to Prism and records every exchange and every Prism error (a spec violation). */
export async function startRecorder(prismUrl: string): Promise<Recorder> {
  const exchanges: Exchange[] = [];
  const violations: Violation[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const method = req.method ?? 'GET';
      request(prismUrl + (req.url ?? '/'), { method: method as 'GET', headers: forwardHeaders(req.headers), body })
        .then(async (answer) => {
          const text = await answer.body.text();
          const exchange = { method, url: req.url ?? '/', status: answer.statusCode };
          exchanges.push(exchange);
          const type = String(answer.headers['content-type'] ?? '');
          if (type.includes('application/problem+json') && text.includes('stoplight.io/prism/errors#')) {
            violations.push({ ...exchange, body: text });
          } else if (answer.headers['sl-violations']) {
            violations.push({ ...exchange, body: String(answer.headers['sl-violations']) });
          }
          const headers = forwardHeaders(answer.headers);
          res.writeHead(answer.statusCode, headers);
          res.end(text);
        })
        .catch((error: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`recorder: ${String(error)}`);
        });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    violations,
    clear: () => {
      exchanges.length = 0;
      violations.length = 0;
    },
    stop: async () => {
      const closed = new Promise((ok) => server.close(ok));
      server.closeAllConnections();
      await closed;
    },
  };
}
