// The target contract for prometheus targets (tests/conformance/contract.ts): a real Prometheus with the admin API;
// the failing source is a port nobody listens on, the hanging one a server that accepts and never answers.
import { readdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { expect } from 'vitest';
import { findBinary } from '../helpers/binaries.js';
import { mainInProcess } from '../helpers/in-process.js';
import { freePort } from '../helpers/net.js';
import { startPrometheus } from '../prometheus/server.js';
import { conformance } from './contract.js';

const PROMETHEUS = findBinary('prometheus');
const TOKEN = 'prom-conf0rmance-bearer-s3cret';

/** A server on 127.0.0.1 that takes connections and never answers them. */
async function silentServer(): Promise<{ url: string; connections: () => number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => sockets.size,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

conformance({
  type: 'prometheus',
  binaries: { prometheus: PROMETHEUS, tar: findBinary('tar') },
  // Its hanging source is HTTP, not a process: the timeout check sees the failure, the connection the run opened to
  // the silent server, and no file.
  optOut: {},
  async start() {
    const [server, silent] = await Promise.all([startPrometheus(PROMETHEUS!, { admin: true }), silentServer()]);
    const fields = (url: string) => `url: ${url}, data_dir: ${server.dataDir}, bearer_token: "\${CONFORMANCE_SECRET}"`;
    return {
      good: fields(server.url),
      broken: fields(`http://127.0.0.1:${await freePort()}`),
      hanging: fields(silent.url),
      hangingReached: () => silent.connections() > 0,
      secret: TOKEN,
      async roundTrip(archive, to) {
        const restored = await mainInProcess(['restore', archive, '--to', to]);
        expect(restored.exitCode, restored.stderr).toBe(0);
        expect(readdirSync(to, { recursive: true }).some((f) => String(f).endsWith('meta.json'))).toBe(true);
      },
      stop: async () => void (await Promise.all([server.stop(), silent.stop()])),
    };
  },
});
