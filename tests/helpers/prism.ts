// Stoplight Prism in proxy mode between a client under test and a local fake: every request (and every answer)
// is validated against an official spec in ../shared/specs. Without the specs folder the tests skip with a
// printed reason; under CI=true a missing spec fails the run.
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
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
