// `snapshotter notify --test` and the dry run's notification forecast, against local receivers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startReceiver, type Receiver } from './receiver.js';
import { fixture } from './setup.js';

let hook: Receiver;

beforeAll(async () => {
  hook = await startReceiver((req) => {
    if (req.url.startsWith('/down')) return { status: 500, body: 'down' };
    if (req.url.startsWith('/tg/'))
      return { status: 200, body: { ok: true, result: { message_id: 1, date: 1, chat: { id: 1, type: 'channel' } } } };
    return { status: 200, body: 'OK' };
  });
});
afterAll(() => hook.close());
beforeEach(() => {
  hook.requests.length = 0;
});

const telegram = () => ({ bot_token: '42:tg-secret', chat_id: '@ops', api_url: `${hook.url}/tg`, per: 'target' });

describe('notify --test', () => {
  it('sends one test message through every entry, whatever its events, and prints each result', async () => {
    const f = fixture('partial', {
      webhooks: [{ url: `${hook.url}/hook`, events: ['backup_critical_failure'], per: 'target' }],
      telegram: [telegram()],
      healthchecks: [{ url: `${hook.url}/ping/abc` }],
    });
    const result = await runCli(['notify', '--test', '-c', f.config]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        'ok   webhooks[0] backup_success',
        'ok   telegram[0] backup_success',
        'ok   healthchecks[0] backup_success',
        '3 of 3 test messages delivered',
      ].join('\n'),
    );
    const paths = hook.requests.map((r) => r.url).sort();
    // healthchecks.io's /log records the ping without changing the check's state.
    expect(paths).toEqual(['/hook', '/ping/abc/log', '/tg/bot42:tg-secret/sendMessage']);
    const payload = hook.requests.find((r) => r.url === '/hook')!.json as { test: boolean; targets: unknown[] };
    expect(payload.test).toBe(true);
    expect(payload.targets).toHaveLength(2);
  });

  it('exits 1 when any delivery failed and says why', async () => {
    const f = fixture('success', { webhooks: [{ url: `${hook.url}/ok` }, { url: `${hook.url}/down`, retries: 0 }] });
    const result = await runCli(['notify', '--test', '-c', f.config]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('ok   webhooks[0] backup_success');
    expect(result.stdout).toMatch(/FAIL webhooks\[1\] backup_success: POST \*\*\*: HTTP 500: down/);
    expect(result.stdout).toContain('1 of 2 test messages delivered');
  });

  it('exits 1 when nothing is configured, and 64 without --test', async () => {
    const f = fixture('success', {});
    const none = await runCli(['notify', '--test', '-c', f.config]);
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toContain('no notifiers configured');
    const usage = await runCli(['notify', '-c', f.config]);
    expect(usage.exitCode).toBe(64);
    expect(usage.stderr).toContain('notify needs --test');
  });
});

describe('run --dry-run', () => {
  it('lists the messages that would go out with their rendered text, and sends nothing', async () => {
    const f = fixture('partial', {
      webhooks: [{ url: `${hook.url}/hook`, payload: { text: '{event}: {failed_targets}' } }],
      telegram: [{ ...telegram(), events: ['backup_start', 'backup_critical_failure'] }],
      healthchecks: [{ url: `${hook.url}/ping/abc` }],
    });
    const result = await runCli(['run', '--dry-run', '-c', f.config]);
    expect(result.exitCode).toBe(1);
    expect(hook.requests).toHaveLength(0);
    const out = result.stdout;
    expect(out).toContain('notify webhooks[0] on backup_partial_failure: POST ***');
    expect(out).toContain('"text": "backup_partial_failure: broken"');
    expect(out).toMatch(
      /notify telegram\[0\] on backup_start \(db_main-1\.prod\): POST http:\/\/127\.0\.0\.1:\d+\/tg\/bot\*\*\*\/sendMessage/,
    );
    expect(out).toContain('notify telegram[0] on backup_critical_failure (broken)');
    expect(out).not.toContain('backup_success (db_main-1.prod)');
    expect(out).toContain('notify healthchecks[0] on backup_partial_failure: POST ***/fail');
    expect(out).toContain(`❌ broken (filesystem): error: none of the paths exist`);
    expect(out).not.toContain('tg-secret');

    const json = await runCli(['run', '--dry-run', '--json', '-c', f.config]);
    const parsed = JSON.parse(json.stdout) as {
      notifications: { notifier: string; event: string; target: string | null; text: string }[];
    };
    expect(parsed.notifications.map((n) => `${n.notifier} ${n.event} ${n.target ?? ''}`)).toEqual([
      'telegram[0] backup_start db_main-1.prod',
      'telegram[0] backup_start broken',
      'webhooks[0] backup_partial_failure ',
      'telegram[0] backup_critical_failure broken',
      'healthchecks[0] backup_partial_failure ',
    ]);
    expect(parsed.notifications.at(-1)!.text).toContain('❌ broken (filesystem): error: none of the paths exist');
    expect(hook.requests).toHaveLength(0);
  });

  it('marks the start and the outcome payloads alike as dry_run: true', async () => {
    const f = fixture('partial', {
      webhooks: [{ url: `${hook.url}/hook`, events: ['backup_start', 'backup_partial_failure'] }],
    });
    const json = await runCli(['run', '--dry-run', '--json', '-c', f.config]);
    const parsed = JSON.parse(json.stdout) as { notifications: { event: string; text: string }[] };
    const payloads = parsed.notifications.map((n) => JSON.parse(n.text) as { event: string; dry_run: boolean });
    expect(payloads.map((p) => [p.event, p.dry_run])).toEqual([
      ['backup_start', true],
      ['backup_partial_failure', true],
    ]);
    expect(hook.requests).toHaveLength(0);
  });
});
