// Stoplight Prism in proxy mode between the client and a local fake, and a recording front in front of Prism:
// client -> recorder -> Prism (validates against the official spec) -> fake. The recorder notes every answer
// that Prism made up because a request or a response broke the spec, so a test can fail on it.
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SPECS_DIR = process.env.SNAPSHOTTER_SPECS_DIR ?? join(ROOT, '..', 'shared', 'specs');
const PRISM = join(ROOT, 'node_modules', '.bin', 'prism');

/** True when the spec can be used; prints why not; under CI=true a missing spec fails the run. */
export function specAvailable(what: string, file: string): boolean {
  const path = join(SPECS_DIR, file);
  const missing = !existsSync(path) ? `the spec ${path}` : !existsSync(PRISM) ? `Prism (${PRISM}; run npm ci)` : undefined;
  if (!missing) return true;
  const reason = `${what}: skipped, missing ${missing}`;
  if (process.env.CI === 'true') throw new Error(`${reason} — under CI=true these validation tests must run`);
  console.warn(reason);
  return false;
}

export function specPath(file: string): string {
  return join(SPECS_DIR, file);
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  await new Promise((ok) => server.close(ok));
  return port;
}

export interface PrismProxy {
  url: string;
  stop(): Promise<void>;
}

/** Starts `prism proxy <spec> <upstream> --errors` on 127.0.0.1 and waits until it listens. */
export async function startPrism(spec: string, upstream: string): Promise<PrismProxy> {
  const port = await freePort();
  const child: ResultPromise = execa(PRISM, ['proxy', spec, upstream, '--errors', '-h', '127.0.0.1', '-p', String(port)], {
    reject: false,
    all: true,
    buffer: false,
  });
  let output = '';
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`Prism did not start within 90 s:\n${output.slice(-2000)}`)), 90_000);
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        ok();
      }
    });
    void child.then((result) => {
      clearTimeout(timer);
      fail(new Error(`Prism exited (${result.exitCode}):\n${output.slice(-2000)}`));
    });
  });
  // Keep draining its log so the pipe never fills.
  child.all?.on('data', () => undefined);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

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
