// Webhooks and healthchecks pings end to end: the CLI against local receivers on 127.0.0.1. The commands go
// through main() in this process (tests/helpers/in-process.ts), except where the process itself is the point: a
// receiver that never answers must not keep the CLI from exiting, so that test spawns the built CLI.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';
import { startReceiver, type Received, type Receiver } from './receiver.js';
import { EXIT_FOR, fixture, NASTY, type Outcome } from './setup.js';

let hook: Receiver;
let hc: Receiver;

beforeAll(async () => {
  hook = await startReceiver();
  hc = await startReceiver({ status: 200, body: 'OK' });
});
afterAll(async () => {
  await hook.close();
  await hc.close();
});
beforeEach(() => {
  hook.requests.length = 0;
  hook.queue = [];
  hook.fallback = { status: 200, body: { ok: true } };
  hc.requests.length = 0;
});

const fast = { timeout: '5s', retries: 2 };
const ALL_EVENTS = ['backup_start', 'backup_success', 'backup_partial_failure', 'backup_critical_failure'];
const at = (path: string): Received[] => hook.requests.filter((r) => r.url === path);

describe('webhooks on a partly failed run', () => {
  it('default payload, per-target messages, a targets filter and a payload template', async () => {
    const f = fixture('partial', {
      defaults: { ...fast },
      webhooks: [
        { url: `${hook.url}/n8n` },
        { url: `${hook.url}/per`, events: ['backup_start', 'backup_success', 'backup_critical_failure'], per: 'target' },
        { url: `${hook.url}/filter`, targets: ['db_main-1.prod'] },
        {
          url: `${hook.url}/tpl`,
          method: 'PUT',
          headers: { 'X-Api-Key': 'hdr-secret-123' },
          payload: {
            text: '{event} on {hostname}: {summary}. Failed: {failed_targets}',
            error: '{error}',
            count: 2,
            who: ['{target}'],
          },
        },
      ],
    });
    const result = await mainInProcess(['run', '-c', f.config]);
    expect(result.exitCode, result.stderr).toBe(2);

    // The default payload: every DESIGN §6 field with its type.
    expect(at('/n8n')).toHaveLength(1);
    const req = at('/n8n')[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    const body = req.json as Record<string, unknown>;
    expect(body).toMatchObject({
      event: 'backup_partial_failure',
      status: 'partial_failure',
      hostname: 'web-01',
      started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      finished_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      duration_seconds: expect.any(Number),
      summary: { total: 2, succeeded: 1, failed: 1 },
      tool: { name: 'snapshotter', version: expect.any(String) },
    });
    const [ok, broken] = body.targets as Record<string, unknown>[];
    expect(ok).toMatchObject({
      name: 'db_main-1.prod',
      type: 'filesystem',
      status: 'success',
      artifact: expect.stringMatching(/^db_main-1\.prod-\d{8}T\d{6}Z\.tar\.gz$/),
      size_bytes: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      duration_seconds: expect.any(Number),
      error: null,
      deleted: [],
    });
    expect(broken).toMatchObject({
      name: 'broken',
      status: 'failure',
      artifact: null,
      size_bytes: null,
      sha256: null,
      deleted: [],
    });
    expect(broken!.error).toContain(NASTY);

    // per: target — backup_start per target, then each target's own outcome event.
    const per = at('/per').map((r) => r.json as { event: string; targets: { name: string }[] });
    expect(per.map((b) => [b.event, b.targets.map((t) => t.name).join()])).toEqual([
      ['backup_start', 'db_main-1.prod'],
      ['backup_start', 'broken'],
      ['backup_success', 'db_main-1.prod'],
      ['backup_critical_failure', 'broken'],
    ]);

    // targets filter: only its target, status recomputed for it.
    expect(at('/filter')).toHaveLength(1);
    const filtered = at('/filter')[0]!.json as { event: string; summary: unknown };
    expect(filtered.event).toBe('backup_success');
    expect(filtered.summary).toEqual({ total: 1, succeeded: 1, failed: 0 });
    expect(JSON.stringify(filtered)).not.toContain('broken');

    // Template: placeholders filled in strings (JSON-escaped by the encoder), keys and other values kept.
    const tpl = at('/tpl')[0]!;
    expect(tpl.method).toBe('PUT');
    expect(tpl.headers['x-api-key']).toBe('hdr-secret-123');
    expect(tpl.json).toEqual({
      text: 'backup_partial_failure on web-01: 1 of 2 targets succeeded, 1 failed. Failed: broken',
      error: expect.stringContaining(`broken: none of the paths exist:`),
      count: 2,
      who: ['db_main-1.prod, broken'],
    });
    expect((tpl.json as { error: string }).error).toContain(NASTY);
    expect(result.stdout + result.stderr + f.log()).not.toContain('hdr-secret-123');
  });
});

describe('config errors', () => {
  it('an unknown placeholder names the file, line and key', async () => {
    const f = fixture('success', { webhooks: [{ url: hook.url, payload: { ok: '{status}', text: 'run {stauts} done' } }] });
    const result = await mainInProcess(['config', 'check', '-c', f.config]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(
      /snapshotter\.yaml:\d+:\d+: notifications\.webhooks\[0\]\.payload\.text: unknown placeholder \{stauts\}/,
    );
  });

  it('a targets filter naming no target', async () => {
    const f = fixture('success', { telegram: [{ bot_token: '1:abc', chat_id: 1, targets: ['db-main'] }] });
    const result = await mainInProcess(['config', 'check', '-c', f.config]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(/:\d+:\d+: notifications\.telegram\[0\]\.targets\[0\]: no target is named "db-main"/);
  });
});

describe('delivery', () => {
  it('retries after 500s, waits Retry-After on 429, and records the delivery as sent', async () => {
    hook.queue = [
      { status: 500, body: 'oops' },
      { status: 503, body: 'busy' },
      { status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '1' } },
    ];
    const f = fixture('success', { webhooks: [{ url: hook.url, timeout: '5s', retries: 3 }] });
    const result = await mainInProcess(['run', '-c', f.config, '--json']);
    expect(result.exitCode).toBe(0);
    expect(hook.requests).toHaveLength(4);
    const report = JSON.parse(result.stdout) as { notifications: unknown[] };
    expect(report.notifications).toEqual([
      { notifier: 'webhooks[0]', event: 'backup_success', target: null, ok: true, error: null },
    ]);
    const log = f.log();
    expect(log).toContain('notification not delivered yet; retrying');
    expect(log).toMatch(/"attempt":3,"delay_ms":1000/);
  });

  it.each<[Outcome, string]>([
    ['success', '/ping/uuid-1'],
    ['partial', '/ping/uuid-1/fail'],
    ['failure', '/ping/uuid-1/fail'],
  ])(
    '%s: failing webhooks never change the exit code; healthchecks gets /start, then %s with the summary',
    async (outcome, path) => {
      hook.fallback = { status: 500, body: 'down' };
      const closed = await startReceiver();
      await closed.close();
      const f = fixture(outcome, {
        webhooks: [
          { url: hook.url, timeout: '2s', retries: 1 },
          { url: closed.url, timeout: '1s', retries: 0 },
        ],
        healthchecks: [{ url: `${hc.url}/ping/uuid-1`, events: ALL_EVENTS }],
      });
      const result = await mainInProcess(['run', '-c', f.config, '--json']);
      expect(result.exitCode).toBe(EXIT_FOR[outcome]);
      const report = JSON.parse(result.stdout) as { notifications: { notifier: string; ok: boolean; error: string | null }[] };
      const failing = report.notifications.find((n) => n.notifier === 'webhooks[0]')!;
      expect(failing).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP 500/) });
      expect(report.notifications.find((n) => n.notifier === 'webhooks[1]')).toMatchObject({
        ok: false,
        error: expect.stringMatching(/ECONNREFUSED/),
      });
      expect(report.notifications.filter((n) => n.notifier === 'healthchecks[0]').map((n) => n.ok)).toEqual([true, true]);
      expect(f.log()).toMatch(/notification failed/);

      expect(hc.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /ping/uuid-1/start', `POST ${path}`]);
      expect(hc.requests[1]!.headers['content-type']).toMatch(/^text\/plain/);
      const ping = hc.requests[1]!.body;
      expect(ping).toMatch(outcome === 'success' ? /Backup succeeded on web-01/ : /Backup (partially )?failed on web-01/);
      if (outcome !== 'success') expect(ping).toContain(NASTY);
    },
  );

  it('a receiver that accepts and never answers is abandoned at the deadline; the exit code stays', async () => {
    hook.fallback = 'hang';
    const f = fixture('partial', { deadline: '1s', webhooks: [{ url: hook.url, timeout: '30s', retries: 3 }] });
    const started = Date.now();
    const result = await runCli(['run', '-c', f.config]);
    const elapsed = Date.now() - started;
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toMatch(
      /notification not delivered: webhooks\[0\] backup_partial_failure: .*(deadline|no answer within)/,
    );
    expect(hook.requests).toHaveLength(1);
    // Bounded by the 1 s deadline, not the 30 s timeout (a generous margin for a loaded machine).
    expect(elapsed).toBeLessThan(25_000);
  });
});

describe('secrets', () => {
  it('header values, URL credentials and secret URLs appear in no output and no log line', async () => {
    hook.fallback = { status: 500, body: 'down' };
    const f = fixture('partial', {
      webhooks: [
        {
          url: `http://alice:url-pass-987@127.0.0.1:${hook.port}/hook/secret-path-654`,
          headers: { Authorization: 'Bearer hdr-token-321' },
          timeout: '2s',
          retries: 1,
        },
        { url: `http://bob:basic-pass-246@127.0.0.1:${hook.port}/basic`, timeout: '2s', retries: 0 },
      ],
      healthchecks: [{ url: `${hc.url}/ping/hc-uuid-555` }],
    });
    const outputs: string[] = [];
    for (const args of [
      ['run', '-c', f.config],
      ['run', '-c', f.config, '--json'],
      ['run', '-c', f.config, '--dry-run'],
      ['config', 'check', '-c', f.config],
      ['notify', '--test', '-c', f.config],
    ]) {
      const result = await mainInProcess(args);
      outputs.push(result.stdout, result.stderr);
    }
    const everything = outputs.join('\n') + f.log();
    expect(everything).toContain('notification failed');
    expect(everything).toContain('***/fail');
    for (const secret of ['url-pass-987', 'secret-path-654', 'hdr-token-321', 'basic-pass-246', 'hc-uuid-555']) {
      expect(everything).not.toContain(secret);
    }
    // URL credentials never travel in the URL: an explicit Authorization header wins, else they become Basic auth.
    expect(hook.requests.find((r) => r.url === '/hook/secret-path-654')!.headers.authorization).toBe('Bearer hdr-token-321');
    const basic = Buffer.from('bob:basic-pass-246').toString('base64');
    expect(hook.requests.find((r) => r.url === '/basic')!.headers.authorization).toBe(`Basic ${basic}`);
    expect(everything).not.toContain(basic);
  });
});
