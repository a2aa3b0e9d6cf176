// Eight runs started at once on one config: exactly one backs up, the seven others exit 3 and send nothing. The
// winner's backup_start is held by the receiver until every loser has exited, so no loser can come after the winner
// released the lock (no timing involved). One round: the lock's exclusion itself is also raced by ten runs in
// tests/hardening/concurrency.test.ts; what this file adds is that the losers notify nothing.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { randomFile } from '../helpers/files.js';
import { tmpDir } from '../helpers/tmp.js';

const RUNS = 8;
const ROUNDS = 1;

/** A webhook receiver that records every event and answers only once `open()` was called. */
function holdingReceiver() {
  const events: string[] = [];
  let held: ServerResponse[] = [];
  let opened = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string }).event);
      if (opened) res.end('{}');
      else held.push(res);
    });
  });
  return {
    server,
    events,
    hold: () => {
      opened = false;
      events.length = 0;
    },
    open: () => {
      opened = true;
      for (const res of held) res.end('{}');
      held = [];
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
  };
}

describe('eight runs at once', () => {
  const receiver = holdingReceiver();
  beforeAll(() => new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));

  it('one backs up, the others exit 3 and notify nothing', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const dir = tmpDir();
      mkdirSync(join(dir, 'src'));
      randomFile(join(dir, 'src', 'blob'), 1); // the held backup_start, not the size, keeps the winner running
      writeFileSync(
        join(dir, 'c.yaml'),
        [
          `backup_dir: ${dir}/backups`,
          'targets:',
          `  - { name: files, type: filesystem, paths: [${dir}/src] }`,
          'notifications:',
          '  deadline: 10m',
          '  webhooks:',
          `    - url: ${receiver.url()}`,
          '      timeout: 10m',
          '      events: [backup_start, backup_success, backup_partial_failure, backup_critical_failure]',
          '',
        ].join('\n'),
      );
      receiver.hold();
      let settled = 0;
      let allLosersDone: () => void = () => undefined;
      const losersDone = new Promise<void>((resolve) => (allLosersDone = resolve));
      const runs = Array.from({ length: RUNS }, () =>
        startCli(['run', '-c', join(dir, 'c.yaml')]).then((r) => {
          settled += 1;
          if (settled === RUNS - 1) allLosersDone();
          return r;
        }),
      );
      await losersDone;
      receiver.open();
      const results = await Promise.all(runs);
      const codes = results.map((r) => r.exitCode).sort();
      expect(codes, results.map((r) => String(r.stderr)).join('\n')).toEqual([0, ...Array<number>(RUNS - 1).fill(3)]);
      for (const run of results.filter((r) => r.exitCode === 3))
        expect(String(run.stderr)).toContain('another run holds the lock');
      expect(receiver.events).toEqual(['backup_start', 'backup_success']);
      expect(readdirSync(join(dir, 'backups', 'files')).filter((n) => n.endsWith('.tar.gz'))).toHaveLength(1);
    }
  }, 300_000);
});
