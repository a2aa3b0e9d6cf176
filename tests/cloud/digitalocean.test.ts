// The digitalocean target end to end: the built CLI talks to a stateful fake of DigitalOcean's API through
// Stoplight Prism, which validates every request (and every fake answer) against the official OpenAPI spec.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { sendJson } from '../../src/http/client.js';
import { digitaloceanTarget } from '../../src/targets/digitalocean/index.js';
import { DigitaloceanTarget } from '../../src/targets/digitalocean/schema.js';
import { Redactor } from '../../src/util/redact.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { runCloud, writeConfig } from './harness/cloud-cli.js';
import { DigitalOceanFake } from './harness/digitalocean-fake.js';
import { specAvailable, type Recorder } from './harness/prism.js';
import { startValidatedApi, type ValidatedApi } from './harness/validated-api.js';

const TOKEN = 'dop_v1_0123456789abcdefSECRETtoken';
const DROPLET = 4242;
const MANAGED = /^web-1-\d{8}T\d{6}Z$/;
const DO_PATHS = [
  '/v2/droplets/{droplet_id}/actions',
  '/v2/actions/{action_id}',
  '/v2/droplets/{droplet_id}/snapshots',
  '/v2/snapshots/{snapshot_id}',
];
const run = specAvailable('digitalocean target tests (Prism validation)', 'digitalocean-public.v2.json');

describe.skipIf(!run)('digitalocean target, every request validated against the official spec', () => {
  const fake = new DigitalOceanFake(TOKEN);
  let api: ValidatedApi;
  let recorder: Recorder;

  beforeAll(async () => {
    await fake.server.start();
    api = await startValidatedApi(fake.server.url, 'digitalocean-public.v2.json', DO_PATHS);
    recorder = api.recorder;
    fake.publicBase = recorder.url;
  });
  afterAll(async () => {
    await api?.stop();
    await fake.server.stop();
  });
  beforeEach(() => {
    fake.reset();
    fake.droplets.add(DROPLET);
    fake.publicBase = recorder.url;
    recorder.clear();
  });
  afterEach(() => {
    expect(recorder.violations, 'requests or answers that break the DigitalOcean spec').toEqual([]);
  });

  function config(dir: string, extra: string[] = []): string {
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    return writeConfig(dir, [
      'name: web-1',
      'type: digitalocean',
      `droplet_id: ${DROPLET}`,
      `token_file: ${join(dir, 'token')}`,
      `api_url: ${recorder.url}`,
      'poll_interval: 100ms',
      'retries: 4',
      ...extra,
    ]);
  }

  /** Snapshots that are not this target's: made by hand, by other tools, other targets, DigitalOcean backups. */
  function seedOthers(): string[] {
    fake.seed(DROPLET, 'before-upgrade', '2019-05-01T10:00:00Z');
    fake.seed(DROPLET, 'web-1-20200101T000000Z-manual', '2020-01-01T00:00:00Z');
    fake.seed(DROPLET, 'web-10-20200101T000000Z', '2020-01-01T00:00:00Z');
    fake.seed(DROPLET, 'web-1-20190101T000000Z', '2019-01-01T00:00:00Z', 'backup');
    return fake.names(DROPLET);
  }

  it('keeps exactly keep_last of its own snapshots over many runs and never touches the others', async () => {
    const dir = tmpDir();
    const others = seedOthers();
    for (const day of ['01', '02', '03']) fake.seed(DROPLET, `web-1-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`);
    fake.maxPerPage = 3; // 7 snapshots: three pages, followed through absolute links
    const file = config(dir, ['retention: { keep_last: 2 }']);

    const first = await runCloud(file, dir, TOKEN);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.target?.artifact).toMatch(MANAGED);
    expect(first.target?.deleted).toEqual(['web-1-20200102T000000Z', 'web-1-20200101T000000Z']);
    expect(first.target?.size_bytes).toBe(Math.round(2.5 * 1024 ** 3));
    expect(first.target?.details).toMatchObject({
      provider: 'digitalocean',
      droplet_id: DROPLET,
      snapshot_name: first.target?.artifact,
      snapshot_id: String(fake.snapshots.find((s) => s.name === first.target?.artifact)?.id),
      total_snapshots: 2,
    });
    expect(recorder.exchanges.some((e) => e.method === 'GET' && e.url.includes('page=3'))).toBe(true);

    const made = [first.target!.artifact!];
    for (let i = 0; i < 2; i += 1) {
      const next = await runCloud(file, dir, TOKEN);
      expect(next.exitCode, next.stderr).toBe(0);
      made.push(next.target!.artifact!);
      const ours = fake.snapshots
        .filter((s) => s.type === 'snapshot' && MANAGED.test(s.name))
        .map((s) => s.name)
        .sort();
      expect(ours).toEqual(made.slice(-2).sort());
      expect(next.target?.details.total_snapshots).toBe(2);
    }
    expect(new Set(made).size).toBe(3); // every run found its own snapshot by a unique name
    for (const name of others) expect(fake.names(DROPLET)).toContain(name);
    const writes = fake.server.received.filter((r) => r.method !== 'GET');
    expect(writes.filter((r) => r.method === 'POST')).toHaveLength(3);
    for (const r of writes.filter((w) => w.method === 'DELETE')) {
      const gone = r.path.split('/').pop();
      expect(others.map((n) => String(fake.snapshots.find((s) => s.name === n)?.id))).not.toContain(gone);
    }
  });

  it('rides out 429 (Retry-After) and 503 without failing, and masks the token in provider messages', async () => {
    const dir = tmpDir();
    fake.seed(DROPLET, 'web-1-20200101T000000Z', '2020-01-01T00:00:00Z');
    const busy = { status: 503, body: { id: 'service_unavailable', message: `backend busy (token ${TOKEN})` } };
    fake.server.fail({
      method: 'POST',
      path: /actions$/,
      times: 1,
      reply: {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { id: 'too_many_requests', message: 'API Rate limit exceeded.' },
      },
    });
    fake.server.fail({ method: 'GET', path: /snapshots$/, times: 2, reply: busy });
    fake.server.fail({ method: 'GET', path: /^\/v2\/actions\//, times: 1, reply: busy });
    const file = config(dir, ['retention: { keep_last: 1 }']);

    const result = await runCloud(file, dir, TOKEN);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.target?.deleted).toEqual(['web-1-20200101T000000Z']);
    expect(fake.actions.size).toBe(1); // the 429'd POST was repeated once, and created one snapshot
    expect(fake.server.received.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(result.log).toContain('retrying');
    expect(result.log).toContain('backend busy (token ***)');
  });

  it('never creates twice: a create accepted but answered 503 is found by its name, not sent again', async () => {
    const dir = tmpDir();
    fake.server.fail({
      method: 'POST',
      path: /actions$/,
      times: 1,
      accepted: true,
      reply: () => {
        fake.settle(); // the provider finishes the snapshot while the client sees an error
        return { status: 503, body: { id: 'service_unavailable', message: 'upstream timed out' } };
      },
    });
    const result = await runCloud(config(dir), dir, TOKEN);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fake.server.received.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(fake.names(DROPLET)).toEqual([result.target?.artifact]);
    expect(result.log).toContain('the provider made the snapshot after all');
  });

  it('fails the target when the action errors, and deletes nothing', async () => {
    const dir = tmpDir();
    for (const day of ['01', '02']) fake.seed(DROPLET, `web-1-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`);
    fake.outcome = 'errored';
    const result = await runCloud(config(dir, ['retention: { keep_last: 1 }']), dir, TOKEN);
    expect(result.exitCode).toBe(1);
    const action = [...fake.actions.values()][0]!;
    expect(result.target?.error).toContain(`snapshot action ${action.id} of droplet ${DROPLET} failed`);
    expect(fake.server.received.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(fake.names(DROPLET)).toEqual(['web-1-20200101T000000Z', 'web-1-20200102T000000Z']);
  });

  it('never waits past wait_timeout, even when the API asks for a long pause', async () => {
    const dir = tmpDir();
    fake.outcome = 'never';
    fake.server.fail({
      method: 'GET',
      path: /^\/v2\/actions\//,
      times: 100,
      reply: {
        status: 429,
        headers: { 'retry-after': '30' },
        body: { id: 'too_many_requests', message: 'API Rate limit exceeded.' },
      },
    });
    const result = await runCloud(config(dir, ['wait_timeout: 1500ms']), dir, TOKEN);
    expect(result.exitCode).toBe(1);
    expect(result.target?.error).toMatch(/not finished within wait_timeout 1\.5s/);
    expect(result.target!.duration_seconds).toBeLessThan(10); // not the 30 s the API asked for
    expect(fake.server.received.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('dry run: lists (GET only) and shows what would be created and deleted', async () => {
    const dir = tmpDir();
    seedOthers();
    for (const day of ['01', '02', '03']) fake.seed(DROPLET, `web-1-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`);
    const before = fake.names(DROPLET);
    const result = await runCloud(config(dir, ['retention: { keep_last: 2 }']), dir, TOKEN, ['--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fake.server.received.map((r) => r.method)).toEqual(['GET']);
    expect(fake.names(DROPLET)).toEqual(before);
    expect(result.stdout).toMatch(
      /would send POST http:\/\/127\.0\.0\.1:\d+\/v2\/droplets\/4242\/actions \{"type":"snapshot","name":"web-1-\d{8}T\d{6}Z"\}/,
    );
    expect(result.stdout).toMatch(/would delete web-1-20200102T000000Z \(id \d+\), web-1-20200101T000000Z \(id \d+\)/);
    expect(result.stdout).toContain('4 other snapshots');
  });

  it('lists its own snapshots for list/status, newest first, never sending the token to another host', async () => {
    seedOthers();
    for (const day of ['01', '03', '02']) fake.seed(DROPLET, `web-1-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`);
    fake.maxPerPage = 2;
    // Pagination links that point elsewhere (here: a closed port) are not followed; their page number is.
    fake.publicBase = 'http://127.0.0.1:9';
    const redactor = new Redactor();
    const log = await createLogger({ level: 'silent', json: true, redactor });
    const config = DigitaloceanTarget.parse({
      name: 'web-1',
      type: 'digitalocean',
      droplet_id: DROPLET,
      token: TOKEN,
      api_url: recorder.url,
    });
    const ctx = {
      target: 'web-1',
      hostname: 'h',
      backupDir: '/nonexistent',
      targetDir: '/nonexistent',
      logger: log.logger,
      signal: new AbortController().signal,
      now: () => new Date(),
      redactor,
      env: {},
    };
    const remote = await digitaloceanTarget.listRemote!(ctx, config);
    expect(remote.map((r) => r.name)).toEqual(['web-1-20200103T000000Z', 'web-1-20200102T000000Z', 'web-1-20200101T000000Z']);
    expect(remote[0]).toMatchObject({ state: 'available', size_bytes: Math.round(1.25 * 1024 ** 3) });
    expect(remote[0]!.time.toISOString()).toBe('2020-01-03T00:00:00.000Z');
    expect(fake.server.received.map((r) => r.query.get('page'))).toEqual(['1', '2', '3', '4']);
  });

  it('list and status through the CLI: its own snapshots newest first, the newest one judged by --max-age', async () => {
    seedOthers();
    for (const day of ['01', '03', '02']) fake.seed(DROPLET, `web-1-202001${day}T000000Z`, `2020-01-${day}T00:00:00Z`);
    const file = config(tmpDir());
    const list = await runCli(['list', '-c', file, '--json']);
    expect(list.exitCode, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as { targets: { name: string; backups: { name: string }[] }[] };
    expect(listed.targets[0]!.backups.map((b) => b.name)).toEqual([
      'web-1-20200103T000000Z',
      'web-1-20200102T000000Z',
      'web-1-20200101T000000Z',
    ]);
    const stale = await runCli(['status', '-c', file, '--json', '--max-age', '1d']);
    expect(stale.exitCode, stale.stderr).toBe(1);
    expect(JSON.parse(stale.stdout)).toMatchObject({
      ok: false,
      targets: [{ name: 'web-1', status: 'stale', newest: { name: 'web-1-20200103T000000Z' } }],
    });
    for (const text of [list.stdout, list.stderr, stale.stdout, stale.stderr]) expect(text).not.toContain(TOKEN);
  });

  it('a request the spec rejects is caught by Prism and never reaches the fake', async () => {
    const bad = sendJson(
      {
        method: 'POST',
        url: `${recorder.url}/v2/droplets/not-a-number/actions`,
        headers: { authorization: `Bearer ${TOKEN}` },
        json: { type: 'snapshot', name: 'x' },
      },
      { timeoutMs: 10_000, retries: 0, redact: (t) => t.replaceAll(TOKEN, '***') },
      [201],
    );
    await expect(bad).rejects.toThrow(/HTTP 422/);
    expect(fake.server.received).toEqual([]);
    expect(recorder.violations).toHaveLength(1);
    expect(recorder.violations[0]!.body).toContain('droplet_id');
    recorder.clear(); // proven; the afterEach check stays for every other test
  });
});
