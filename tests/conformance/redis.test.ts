// The target contract for redis targets (tests/conformance/contract.ts): a real redis-server with requirepass
// reached through the docker stand-in; the failing source is a port nobody listens on, the hanging one a container
// whose redis-cli never ends; the restored dump.rdb is loaded by a second server.
import { execa, type ResultPromise } from 'execa';
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { findBinary } from '../helpers/binaries.js';
import { mainInProcess } from '../helpers/in-process.js';
import { freePort } from '../helpers/net.js';
import { conformance } from './contract.js';

const PASSWORD = 'Rd-conf0rmance-s3cret';
const BINARIES = { 'redis-server': findBinary('redis-server'), 'redis-cli': findBinary('redis-cli') };

/** redis-server on 127.0.0.1 with `args`; ready when it answers PING (an observed event). */
async function startRedis(dir: string, args: string[]) {
  const port = await freePort();
  const server: ResultPromise = execa(
    BINARIES['redis-server']!,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args],
    { reject: false },
  );
  const cli = async (...cmd: string[]) =>
    (await execa(BINARIES['redis-cli']!, ['-p', String(port), ...cmd], { env: { REDISCLI_AUTH: PASSWORD } })).stdout;
  while ((await cli('PING').catch(() => '')) !== 'PONG') {
    if (server.exitCode !== null) throw new Error(`redis-server on port ${port} exited while starting`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, cli, stop: async () => void (server.kill('SIGTERM'), await server) };
}

conformance({
  type: 'redis',
  binaries: BINARIES,
  optOut: {},
  async start(dir) {
    const server = await startRedis(dir, ['--requirepass', PASSWORD]);
    await server.cli('SET', 'grüße', 'Grüße 😀 日本語');
    const fields = (container: string, port: number) =>
      `container: ${container}, host: 127.0.0.1, port: ${port}, password: "\${CONFORMANCE_SECRET}"`;
    return {
      good: fields('redis', server.port),
      broken: fields('redis', await freePort()),
      hanging: fields('hanging', server.port),
      secret: PASSWORD,
      childEnv: ['REDISCLI_AUTH'],
      env: { DOCKER_FAKE_CONTAINERS: JSON.stringify({ redis: {}, hanging: { behaviour: 'hang' } }), REDISCLI_AUTH: undefined },
      async roundTrip(archive, to) {
        const restored = await mainInProcess(['restore', archive, '--to', to]);
        expect(restored.exitCode, restored.stderr).toBe(0);
        expect(readdirSync(to)).toEqual(['dump.rdb']);
        const loaded = await startRedis(to, ['--requirepass', PASSWORD, '--dbfilename', 'dump.rdb']);
        try {
          expect(await loaded.cli('GET', 'grüße')).toBe('Grüße 😀 日本語');
        } finally {
          await loaded.stop();
        }
      },
      stop: () => server.stop(),
    };
  },
});
