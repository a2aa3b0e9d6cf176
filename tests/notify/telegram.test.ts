// Telegram end to end: the built CLI → Stoplight Prism (validating every request against the Bot API spec,
// ../shared/specs/telegram-bot-api.json) → a local fake Telegram. A request that breaks the spec gets a 422 from
// Prism and never reaches the fake, so "the fake received it" means "the spec accepts it". Prism gets the spec cut
// to the one method snapshotter calls (sendMessage, with every schema it references, unchanged): it starts in
// half the CPU time, and a call to any other method gets Prism's 404 instead of reaching the fake. The commands go
// through the CLI's main() in this process (tests/helpers/in-process.ts): what is sent and reported is the point.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mainInProcess } from '../helpers/in-process.js';
import { specAvailable, specPath, startPrism, type PrismProxy } from '../helpers/prism.js';
import { writeSpecSubset } from '../helpers/spec-subset.js';
import { startReceiver, type Received, type Receiver } from './receiver.js';
import { fixture, NASTY } from './setup.js';

const TOKEN = '123456789:AAFtoken-secret_xyz';
const run = specAvailable('Telegram Bot API validation', 'telegram-bot-api.json');

const sent = (chat: number) => ({
  status: 200,
  body: {
    ok: true,
    result: { message_id: 7, date: 1767225600, chat: { id: chat, type: 'supergroup', title: 'ops' }, text: 'x' },
  },
});

describe.skipIf(!run)('telegram through the Bot API spec', () => {
  let fake: Receiver;
  let prism: PrismProxy;
  let specDir: string;

  beforeAll(async () => {
    fake = await startReceiver((req) => sent((req.json as { chat_id: number }).chat_id));
    specDir = mkdtempSync(join(tmpdir(), 'snapshotter-spec-'));
    const spec = writeSpecSubset(specPath('telegram-bot-api.json'), ['/bot{token}/sendMessage'], specDir, 'telegram.json');
    prism = await startPrism(spec, fake.url);
    // Prism compiles its validators on the first request; do that here, not inside a test's timeout.
    const warm = await fetch(`${prism.url}/bot1:warm/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 0, text: 'warm-up' }),
    });
    expect(warm.status).toBe(200);
    // And the proxy really validates: a text over 4096 characters is refused before it reaches the fake.
    const tooLong = await fetch(`${prism.url}/bot1:warm/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 0, text: 'x'.repeat(4097) }),
    });
    expect(tooLong.status).toBe(422);
    await tooLong.text();
  });
  afterAll(async () => {
    await prism?.stop();
    await fake?.close();
    if (specDir) rmSync(specDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.queue = [];
  });

  const entry = (over: Record<string, unknown> = {}) => ({
    bot_token: TOKEN,
    chat_id: -1001234567890,
    api_url: prism.url,
    timeout: '20s',
    retries: 2,
    ...over,
  });
  const byChat = (chat: number): Received[] => fake.requests.filter((r) => (r.json as { chat_id: number }).chat_id === chat);
  const textOf = (r: Received): string => (r.json as { text: string }).text;

  it('HTML and MarkdownV2 messages escape target names and errors; a long message is cut to 4096', async () => {
    const f = fixture('partial', {
      telegram: [
        entry({ chat_id: 1 }),
        entry({ chat_id: 2, parse_mode: 'MarkdownV2', per: 'target', message: '*{target}* {status}: {error}' }),
        entry({ chat_id: 3, message: `<b>${'long line of text. '.repeat(300)}</b>{failed_targets}` }),
        entry({ chat_id: 4, parse_mode: 'none', message: '{target} {error}' }),
      ],
    });
    const result = await mainInProcess(['run', '-c', f.config, '--json']);
    expect(result.exitCode, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout) as { notifications: { notifier: string; ok: boolean; error: string | null }[] };
    expect(report.notifications.filter((n) => !n.ok)).toEqual([]);

    const html = byChat(1);
    expect(html).toHaveLength(1);
    expect(html[0]!.url).toBe(`/bot${TOKEN}/sendMessage`);
    expect(html[0]!.json).toMatchObject({ parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    const text = textOf(html[0]!);
    expect(text).toContain('<b>⚠️ Backup partially failed on web-01</b>');
    expect(text).toContain('✅ db_main-1.prod (filesystem): db_main-1.prod-');
    expect(text).toContain('&lt;tag&gt; &amp; &quot;quotes&quot;');
    expect(text).not.toContain(NASTY);

    const md = byChat(2).map(textOf);
    expect(md).toHaveLength(2);
    expect(md[0]).toBe('*db\\_main\\-1\\.prod* success: ');
    // `>` is reserved in MarkdownV2, `<`, `&` and `"` are not; `-` in the temp path is.
    expect(md[1]).toMatch(
      /^\*broken\* failure: none of the paths exist: \/tmp\/snapshotter\\-notify\\-\w+\/missing <tag\\> & "quotes"$/,
    );
    expect(byChat(2)[0]!.json).toMatchObject({ parse_mode: 'MarkdownV2' });

    const long = textOf(byChat(3)[0]!);
    expect(long.length).toBeLessThanOrEqual(4096);
    expect(long).toMatch(/<\/b>\n… \[cut: the message was longer than Telegram allows\]$/);

    const plain = byChat(4)[0]!;
    expect(plain.json).not.toHaveProperty('parse_mode');
    expect(textOf(plain)).toContain(`broken: none of the paths exist:`);
    expect(textOf(plain)).toContain(NASTY);
  });

  it('429 waits parameters.retry_after, then delivers', async () => {
    fake.queue = [
      {
        status: 429,
        body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
      },
    ];
    const f = fixture('success', { telegram: [entry()] });
    const result = await mainInProcess(['run', '-c', f.config, '--json']);
    expect(result.exitCode).toBe(0);
    expect(fake.requests).toHaveLength(2);
    const report = JSON.parse(result.stdout) as { notifications: unknown[] };
    expect(report.notifications).toEqual([
      { notifier: 'telegram[0]', event: 'backup_success', target: null, ok: true, error: null },
    ]);
    expect(f.log()).toMatch(
      /"delay_ms":1000,"reason":"POST http:\/\/127\.0\.0\.1:\d+\/bot\*\*\*\/sendMessage: HTTP 429 429: Too Many Requests/,
    );
  });

  it("a refusal (400 chat not found) is reported with Telegram's words, not retried, token masked, exit code kept", async () => {
    fake.queue = [{ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } }];
    const f = fixture('failure', { telegram: [entry({ name: 'ops-chat' })] });
    const result = await mainInProcess(['run', '-c', f.config]);
    expect(result.exitCode).toBe(1);
    expect(fake.requests).toHaveLength(1);
    expect(result.stdout).toMatch(
      /notification not delivered: ops-chat backup_critical_failure: POST http:\/\/127\.0\.0\.1:\d+\/bot\*\*\*\/sendMessage: HTTP 400 400: Bad Request: chat not found/,
    );
    const everything = result.stdout + result.stderr + f.log();
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('AAFtoken-secret_xyz');
  });

  it('notify --test sends a spec-valid test message and reports it; the token stays masked', async () => {
    const f = fixture('success', { telegram: [entry({ events: ['backup_critical_failure'] })] });
    const result = await mainInProcess(['notify', '--test', '-c', f.config]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('ok   telegram[0] backup_success');
    expect(result.stdout).toContain('1 of 1 test messages delivered');
    expect(textOf(fake.requests[0]!)).toContain('🧪 Test message from snapshotter on web-01');
    expect(result.stdout + result.stderr + f.log()).not.toContain(TOKEN);
  });
});
