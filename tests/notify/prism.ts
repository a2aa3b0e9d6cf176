// Stoplight Prism in proxy mode between the client under test and a local fake: every request is validated
// against the Telegram Bot API spec in ../shared/specs (422 when it breaks it, never reaching the fake).
// Without the specs folder the tests skip with a printed reason; under CI=true a missing spec fails the run.
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TELEGRAM_SPEC = fileURLToPath(new URL('../../../shared/specs/telegram-bot-api.json', import.meta.url));
const PRISM = `${ROOT}node_modules/.bin/prism`;

/** True when the spec is there; prints why not; throws under CI=true. */
export function specAvailable(spec: string): boolean {
  if (existsSync(spec) && existsSync(PRISM)) return true;
  const reason = `Telegram Bot API validation: skipped, ${existsSync(spec) ? `missing ${PRISM} (npm ci)` : `no spec at ${spec}`}`;
  if (process.env.CI === 'true') throw new Error(`${reason} — CI must provide it`);
  console.warn(reason);
  return false;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once anything answers HTTP on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

export interface PrismProxy {
  url: string;
  stop(): Promise<void>;
}

/** Starts `prism proxy SPEC UPSTREAM --errors` on 127.0.0.1 and waits until it answers. */
export async function startPrism(spec: string, upstream: string): Promise<PrismProxy> {
  const port = await freePort();
  const child: ResultPromise = execa(PRISM, ['proxy', spec, upstream, '--errors', '-h', '127.0.0.1', '-p', String(port)], {
    reject: false,
    stdin: 'ignore',
    all: true,
  });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() - started > 60_000) {
      child.kill();
      throw new Error(`prism did not start on port ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}
