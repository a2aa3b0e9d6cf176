// The hetzner target end to end: the built CLI talks to a stateful fake of the Hetzner Cloud API through
// Stoplight Prism, which validates every request (and every fake answer) against the official OpenAPI spec.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson } from '../../src/http/client.js';
import { createLogger } from '../../src/logging/logger.js';
import { hetznerTarget } from '../../src/targets/hetzner/index.js';
import { HetznerTarget } from '../../src/targets/hetzner/schema.js';
import { Redactor } from '../../src/util/redact.js';
import { tmpDir } from '../helpers/tmp.js';
import { runCloud, writeConfig } from './harness/cloud-cli.js';
import { HetznerFake } from './harness/hetzner-fake.js';
import { specAvailable, type Recorder } from './harness/prism.js';
import { startValidatedApi, type ValidatedApi } from './harness/validated-api.js';

const TOKEN = 'hcloudTOKEN0123456789abcdefSECRET';
const SERVER = 77;
const OURS = { 'managed-by': 'snapshotter', 'snapshotter-target': 'web-2' };
const HC_PATHS = ['/v1/servers/{id}/actions/create_image', '/v1/actions/{id}', '/v1/images', '/v1/images/{id}'];
const run = specAvailable('hetzner target tests (Prism validation)', 'hetzner-cloud.v1.json');

describe.skipIf(!run)('hetzner target, every request validated against the official spec', () => {
  const fake = new HetznerFake(TOKEN);
  let api: ValidatedApi;
  let recorder: Recorder;

  beforeAll(async () => {
    await fake.server.start();
    api = await startValidatedApi(fake.server.url, 'hetzner-cloud.v1.json', HC_PATHS);
    recorder = api.recorder;
    fake.publicBase = recorder.url;
  });
  afterAll(async () => {
    await api?.stop();
    await fake.server.stop();
  });
  beforeEach(() => {
    fake.reset();
    fake.servers.add(SERVER);
    recorder.clear();
  });
  afterEach(() => {
    expect(recorder.violations, 'requests or answers that break the Hetzner spec').toEqual([]);
  });

  const env = { HCLOUD_TOKEN: TOKEN };
  function config(dir: string, extra: string[] = []): string {
    return writeConfig(dir, [
      'name: web-2',
      'type: hetzner',
      `server_id: ${SERVER}`,
      'token: ${HCLOUD_TOKEN}',
      `api_url: ${recorder.url}/v1`,
      'poll_interval: 100ms',
      'retries: 4',
      ...extra,
    ]);
  }

  /** Images that are not this target's: unlabelled (even with our name form), another target's, another tool's. */
  function seedOthers(): string[] {
    fake.seed(SERVER, 'before-upgrade', '2019-05-01T10:00:00Z');
    fake.seed(SERVER, 'web-2-20190101T000000Z', '2019-01-01T00:00:00Z');
    fake.seed(SERVER, 'web-3-20190101T000000Z', '2019-01-01T00:00:00Z', {
      'managed-by': 'snapshotter',
      'snapshotter-target': 'web-3',
    });
    fake.seed(SERVER, 'nightly', '2019-01-01T00:00:00Z', { 'managed-by': 'other-tool', 'snapshotter-target': 'web-2' });
    return fake.descriptions();
  }

  const ours = () =>
    fake.images.filter((i) => i.labels['managed-by'] === 'snapshotter' && i.labels['snapshotter-target'] === 'web-2');

  it('keeps exactly keep_last of its labelled images over many runs and never touches the others', async () => {
    const dir = tmpDir();
    const others = seedOthers();
    for (const day of ['01', '02', '03']) fake.seed(SERVER, `web-2-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`, OURS);
    fake.maxPerPage = 2;
    const file = config(dir, ['retention: { keep_last: 2 }']);

    const first = await runCloud(file, dir, TOKEN, ['--json'], env);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.target?.artifact).toMatch(/^web-2-\d{8}T\d{6}Z$/);
    expect(first.target?.deleted).toEqual(['web-2-20200102T000000Z', 'web-2-20200101T000000Z']);
    const created = fake.images.find((i) => i.description === first.target?.artifact)!;
    expect(created.labels).toEqual(OURS);
    expect(first.target?.details).toMatchObject({
      provider: 'hetzner',
      server_id: SERVER,
      snapshot_id: String(created.id),
      snapshot_name: created.description,
      total_snapshots: 2,
    });
    expect(first.target?.size_bytes).toBe(Math.round(2.5 * 1024 ** 3));
    const lists = fake.server.received.filter((r) => r.path === '/v1/images');
    expect(lists.map((r) => r.query.get('label_selector'))).toContain('managed-by=snapshotter,snapshotter-target=web-2');
    expect(lists.map((r) => r.query.get('page'))).toEqual(['1', '2']);

    const made = [first.target!.artifact!];
    for (let i = 0; i < 2; i += 1) {
      const next = await runCloud(file, dir, TOKEN, ['--json'], env);
      expect(next.exitCode, next.stderr).toBe(0);
      made.push(next.target!.artifact!);
      expect(
        ours()
          .map((i) => i.description)
          .sort(),
      ).toEqual(made.slice(-2).sort());
    }
    for (const name of others) expect(fake.descriptions()).toContain(name);
  });

  it('never deletes what it may not: protected (423) is a warning, relabelled images and unlabelled lookalikes stay', async () => {
    const dir = tmpDir();
    const others = seedOthers();
    fake.ignoreSelector = true; // the list returns every snapshot: the client must check labels itself
    const locked = fake.seed(SERVER, 'web-2-20200101T000000Z', '2020-01-01T00:00:00Z', OURS, true);
    const relabelled = fake.seed(SERVER, 'web-2-20200102T000000Z', '2020-01-02T00:00:00Z', OURS);
    fake.relabelOnGet.add(relabelled.id);
    fake.seed(SERVER, 'web-2-20200103T000000Z', '2020-01-03T00:00:00Z', OURS);
    const result = await runCloud(config(dir, ['retention: { keep_last: 1 }']), dir, TOKEN, ['--json'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.target?.deleted).toEqual(['web-2-20200103T000000Z']);
    expect(result.target?.warnings.map((w) => w.code).sort()).toEqual(['delete_protected', 'not_managed']);
    expect(result.target?.warnings.find((w) => w.code === 'delete_protected')?.message).toContain(`${locked.id}`);
    for (const name of [...others, locked.description, relabelled.description]) expect(fake.descriptions()).toContain(name);
    const deletes = fake.server.received.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deletes).not.toContain(`/v1/images/${relabelled.id}`);
  });

  it('rides out 429 (Retry-After), 503 and a busy server (423 locked) without failing', async () => {
    const dir = tmpDir();
    fake.seed(SERVER, 'web-2-20200101T000000Z', '2020-01-01T00:00:00Z', OURS);
    const unavailable = {
      status: 503,
      body: { error: { code: 'unavailable', message: `try later (token ${TOKEN})`, details: null } },
    };
    fake.server.fail({
      method: 'POST',
      path: /create_image$/,
      times: 1,
      reply: { status: 423, body: { error: { code: 'locked', message: 'server is locked', details: null } } },
    });
    fake.server.fail({
      method: 'POST',
      path: /create_image$/,
      times: 1,
      reply: {
        status: 429,
        headers: { 'Retry-After': '1' },
        body: { error: { code: 'rate_limit_exceeded', message: 'limit reached', details: null } },
      },
    });
    fake.server.fail({ method: 'GET', path: /^\/v1\/actions\//, times: 1, reply: unavailable });
    fake.server.fail({ method: 'GET', path: /^\/v1\/images$/, times: 2, reply: unavailable });
    const result = await runCloud(config(dir, ['retention: { keep_last: 1 }']), dir, TOKEN, ['--json'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.target?.deleted).toEqual(['web-2-20200101T000000Z']);
    expect(fake.actions.size).toBe(1);
    expect(result.log).toContain('server is busy');
    expect(result.log).toContain('try later (token ***)');
  });

  it('never creates twice: after a 423 wait, a create accepted but answered 503 is found by its name, not sent again', async () => {
    const dir = tmpDir();
    fake.server.fail({
      method: 'POST',
      path: /create_image$/,
      times: 1,
      reply: { status: 423, body: { error: { code: 'locked', message: 'server is locked', details: null } } },
    });
    fake.server.fail({
      method: 'POST',
      path: /create_image$/,
      times: 1,
      accepted: true,
      reply: () => {
        fake.settle(); // the provider finishes the image while the client sees an error
        return { status: 503, body: { error: { code: 'unavailable', message: 'upstream timed out', details: null } } };
      },
    });
    const result = await runCloud(config(dir), dir, TOKEN, ['--json'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fake.server.received.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(fake.images.filter((i) => i.description === result.target?.artifact)).toHaveLength(1);
    expect(result.log).toContain('server is busy');
    expect(result.log).toContain('the provider made the snapshot after all');
  });

  it('fails the target when the action fails, with the provider reason, and deletes nothing', async () => {
    const dir = tmpDir();
    for (const day of ['01', '02']) fake.seed(SERVER, `web-2-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`, OURS);
    fake.outcome = 'error';
    const result = await runCloud(config(dir, ['retention: { keep_last: 1 }']), dir, TOKEN, ['--json'], env);
    expect(result.exitCode).toBe(1);
    expect(result.target?.error).toMatch(/snapshot action \d+ of server 77 failed: action_failed: Action failed/);
    expect(fake.server.received.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(ours()).toHaveLength(2);
  });

  it('never waits past wait_timeout', async () => {
    const dir = tmpDir();
    fake.outcome = 'never';
    const result = await runCloud(config(dir, ['wait_timeout: 1s']), dir, TOKEN, ['--json'], env);
    expect(result.exitCode).toBe(1);
    expect(result.target?.error).toMatch(/not finished at \d+% within wait_timeout 1\.0s/);
    expect(result.target!.duration_seconds).toBeLessThan(10);
    const polls = fake.server.received.filter((r) => r.path.startsWith('/v1/actions/')).length;
    expect(polls).toBeGreaterThan(1);
    expect(polls).toBeLessThanOrEqual(11); // every 100 ms for 1 s, never more
  });

  it('dry run: lists (GET only) and shows what would be created and deleted', async () => {
    const dir = tmpDir();
    seedOthers();
    for (const day of ['01', '02']) fake.seed(SERVER, `web-2-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`, OURS);
    const before = fake.descriptions();
    const result = await runCloud(config(dir, ['retention: { keep_last: 2 }']), dir, TOKEN, ['--dry-run'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(new Set(fake.server.received.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(fake.descriptions()).toEqual(before);
    expect(result.stdout).toContain('"labels":{"managed-by":"snapshotter","snapshotter-target":"web-2"}');
    expect(result.stdout).toMatch(/would delete web-2-20200101T000000Z \(id \d+\)\n/);
  });

  it('lists its own snapshots for list/status, newest first', async () => {
    seedOthers();
    for (const day of ['02', '01', '03']) fake.seed(SERVER, `web-2-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`, OURS);
    fake.maxPerPage = 2;
    const redactor = new Redactor();
    const log = await createLogger({ level: 'silent', json: true, redactor });
    const config = HetznerTarget.parse({
      name: 'web-2',
      type: 'hetzner',
      server_id: SERVER,
      token: TOKEN,
      api_url: `${recorder.url}/v1`,
    });
    const ctx = {
      target: 'web-2',
      hostname: 'h',
      backupDir: '/nonexistent',
      targetDir: '/nonexistent',
      logger: log.logger,
      signal: new AbortController().signal,
      now: () => new Date(),
      redactor,
      env: {},
    };
    const remote = await hetznerTarget.listRemote!(ctx, config);
    expect(remote.map((r) => r.name)).toEqual(['web-2-20200103T000000Z', 'web-2-20200102T000000Z', 'web-2-20200101T000000Z']);
    expect(remote[0]).toMatchObject({ state: 'available', size_bytes: Math.round(2.5 * 1024 ** 3) });
  });

  it('a request the spec rejects is caught by Prism and never reaches the fake', async () => {
    const bad = sendJson(
      {
        method: 'POST',
        url: `${recorder.url}/v1/servers/${SERVER}/actions/create_image`,
        headers: { authorization: `Bearer ${TOKEN}` },
        json: { type: 'snapshots', description: 'x' },
      },
      { timeoutMs: 10_000, retries: 0, redact: (t) => t },
      [201],
    );
    await expect(bad).rejects.toThrow(/HTTP 422/);
    expect(fake.server.received).toEqual([]);
    expect(recorder.violations).toHaveLength(1);
    expect(recorder.violations[0]!.body).toContain('must be equal to one of the allowed values: snapshot, backup');
    recorder.clear();
  });
});
