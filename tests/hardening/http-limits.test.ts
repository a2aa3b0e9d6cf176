// A provider that asks for a very long wait cannot hang a command, and a secret in an error body is masked before
// the body is cut for the message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, statusError } from '../../src/http/client.js';
import { Redactor } from '../../src/util/redact.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { startReceiver, type Receiver } from '../notify/receiver.js';

const TOKEN = 'dop_v1_' + 'a1b2c3d4'.repeat(8);

describe('a server asking for a long wait', () => {
  let api: Receiver;
  beforeAll(
    async () =>
      (api = await startReceiver({ status: 429, body: { id: 'too_many_requests' }, headers: { 'retry-after': '99999' } })),
  );
  afterAll(() => api.close());

  it('fails the request at once with a clear error instead of waiting', async () => {
    const error = await send({ method: 'GET', url: `${api.url}/v2/x` }, { timeoutMs: 5000, retries: 5, redact: (t) => t }).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(
      /HTTP 429 .*the server asked to wait 27h46m before a retry, longer than the 5m00s snapshotter waits/,
    );
    expect(api.requests).toHaveLength(1);
  });

  it('lets `status` and `list` end with the error named', async () => {
    const dir = tmpDir();
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/b\ntargets:\n  - { name: web, type: digitalocean, droplet_id: 1, token: "${TOKEN}", api_url: "${api.url}" }\n`,
    );
    for (const command of ['status', 'list']) {
      const result = await runCli([command, '-c', config]);
      expect(result.exitCode).not.toBe(0);
      expect(result.stdout + result.stderr).toContain('the server asked to wait');
      expect(result.stdout + result.stderr).not.toContain(TOKEN);
    }
  }, 60_000);
});

describe('an error body holding a secret', () => {
  it('is masked before it is cut, so no part of the secret shows', () => {
    const redactor = new Redactor();
    redactor.add(TOKEN);
    const text = 'x'.repeat(180) + TOKEN + ' and more';
    const error = statusError(
      { method: 'GET', url: 'http://127.0.0.1/v2/x' },
      { timeoutMs: 1000, retries: 0, redact: (t) => redactor.redact(t) },
      { status: 502, headers: {}, body: undefined, text },
    );
    expect(error.message).toContain('x'.repeat(180) + '***');
    expect(error.message).not.toContain(TOKEN.slice(0, 12));
  });
});
