// Every remote failure says what and where — remote, endpoint, bucket — and never the secret: unknown bucket,
// unknown key id, wrong secret, access denied, a skewed clock (by how much), an endpoint that does not answer,
// a part limit; and an unknown remote name is a config error with file, line and key.
import { beforeEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { useS3 } from './s3-harness.js';
import { filesConfig, remoteYaml, SECRET, sourceDir, writeConfig } from './setup.js';

const s3 = useS3();
beforeEach(() => s3().front.reset());

function config(extra = '', env: Record<string, string> = {}, mib = 0, bucket?: string, timeout?: string) {
  const dir = tmpDir();
  const src = mib > 0 ? sourceDir(dir, mib) : dir;
  const written = filesConfig({ dir, src, remote: { endpoint: s3().front.endpoint, prefix: 'e/', extra, bucket, timeout } });
  return { ...written, env: { ...written.env, ...env } };
}

/** `list --remote offsite` with the config: exit 1 and one message naming the remote, endpoint and bucket. */
async function listFails(c: { file: string; env: Record<string, string> }, bucket = 'backups'): Promise<string> {
  const result = await runCli(['list', '-c', c.file, '--remote', 'offsite'], { env: c.env });
  expect(result.exitCode).toBe(1);
  const text = result.stdout + result.stderr;
  expect(text).toContain(`remote "offsite" (s3 ${s3().front.endpoint}, bucket ${bucket})`);
  expect(text).not.toContain(SECRET);
  return text;
}

describe('remote errors', () => {
  it('names an unknown bucket', async () => {
    const c = config('', {}, 0, 'nope');
    expect(await listFails(c, 'nope')).toContain('bucket "nope" does not exist');
  });

  it('names an unknown access key id', async () => {
    const c = config('', { S3_KEY_ID: 'AKIANOSUCHKEY' });
    expect(await listFails(c)).toContain('the access key id is not known');
  });

  it('names a wrong secret, access denied and a skewed clock by how much', async () => {
    const c = config();
    s3().front.fail({ status: 403, code: 'SignatureDoesNotMatch', match: () => true, times: 1 });
    expect(await listFails(c)).toContain('the secret access key is wrong');
    s3().front.fail({ status: 403, code: 'AccessDenied', match: () => true, times: 1 });
    expect(await listFails(c)).toContain('access denied to bucket "backups"');
    s3().front.fail({
      status: 403,
      code: 'RequestTimeTooSkewed',
      match: () => true,
      times: 1,
      extra: { RequestTime: '20261201T140000Z', ServerTime: '2026-12-01T12:00:00Z' },
    });
    expect(await listFails(c)).toContain("clock is off by 120 minutes (ahead of the server's clock)");
  });

  it('gives up on an endpoint that does not answer, bounded by request_timeout', async () => {
    const c = config('', {}, 0, undefined, '1s');
    s3().front.hang(true);
    expect(await listFails(c)).toContain('the endpoint did not answer in time');
  });

  it('bounds a hanging remote by the target timeout, names what it waited on, and notifies {remote} with the error', async () => {
    const dir = tmpDir();
    const received: unknown[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    hook.listen(0, '127.0.0.1');
    await once(hook, 'listening');
    const { port } = hook.address() as AddressInfo;
    const { file, env } = filesConfig({
      dir,
      src: sourceDir(dir, 1),
      top: `notifications:\n  webhooks:\n    - url: http://127.0.0.1:${port}/hook\n      payload: { event: "{event}", remote: "{remote}", target: "{target}", error: "{error}" }\n`,
      // The backup must finish within it too (a loaded machine needs a few seconds for it).
      target: '    timeout: 4s\n',
      remote: { endpoint: s3().front.endpoint, prefix: 'e/', timeout: '10m' },
    });
    s3().front.hang(true);
    try {
      const run = await runCli(['run', '-c', file], { env });
      expect(run.exitCode).toBe(1);
      const where = `remote "offsite" (s3 ${s3().front.endpoint}, bucket backups)`;
      expect(run.stdout).toContain(
        `copy to remote "offsite" failed: ${where}: gave up after 4s (the target's timeout) waiting for`,
      );
      expect(received).toEqual([
        {
          event: 'backup_critical_failure',
          remote: 'offsite',
          target: 'files',
          error: expect.stringContaining(`${where}: gave up after 4s`),
        },
      ]);
    } finally {
      hook.close();
    }
  });

  it('fails the target on a refused part, aborts the multipart upload and says the part limit is lower', async () => {
    const c = config('', {}, 6);
    s3().front.fail({ status: 400, code: 'InvalidArgument', match: (r) => r.url.includes('partNumber=2') });
    const run = await runCli(['run', '-c', c.file], { env: c.env });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('part 2 of 2 refused');
    expect(run.stdout).toContain('part limit');
    expect(s3().front.requests.some((r) => r.method === 'DELETE' && r.url.includes('uploadId='))).toBe(true);
  });

  it('rejects an unknown remote name with file, line and key', async () => {
    const dir = tmpDir();
    const { file, env } = writeConfig(
      dir,
      `backup_dir: ${dir}/backups
targets:
  - name: files
    type: filesystem
    paths: [${dir}]
    remotes: [offsite, nowhere]
remotes:
${remoteYaml({ endpoint: s3().front.endpoint, prefix: 'e/' })}`,
    );
    const result = await runCli(['config', 'check', '-c', file], { env });
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain(`${file}:6`);
    expect(result.stderr).toContain('targets[0].remotes[1]: no remote is named "nowhere"');
  });
});
