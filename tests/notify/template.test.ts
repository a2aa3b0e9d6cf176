// Templates, escaping and cutting, as Telegram and webhooks receive them.
import { describe, expect, it } from 'vitest';
import { placeholderValues } from '../../src/notifiers/placeholders.js';
import { cutForTelegram, TELEGRAM_LIMIT } from '../../src/notifiers/telegram/cut.js';
import { escapeHtml, escapeMarkdownV2, styleFor } from '../../src/notifiers/telegram/escape.js';
import { renderJson, renderText, unknownPlaceholders } from '../../src/notifiers/template.js';
import { defaultText } from '../../src/notifiers/text.js';
import { fromReport, narrow, perTarget } from '../../src/notifiers/view.js';
import type { RunReport, TargetResult } from '../../src/report.js';

const NASTY = '<tag> & "quotes"';

function target(name: string, over: Partial<TargetResult> = {}): TargetResult {
  return {
    name,
    type: 'filesystem',
    status: 'success',
    artifact: `${name}-20260101T000000Z.tar.gz`,
    size_bytes: 2048,
    sha256: 'a'.repeat(64),
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:02.000Z',
    duration_seconds: 2,
    error: null,
    deleted: [],
    warnings: [],
    details: {},
    ...over,
  };
}

function report(targets: TargetResult[]): RunReport {
  const failed = targets.filter((t) => t.status === 'failure').length;
  const status = failed === 0 ? 'success' : failed === targets.length ? 'failure' : 'partial_failure';
  return {
    event: status === 'success' ? 'backup_success' : status === 'failure' ? 'backup_critical_failure' : 'backup_partial_failure',
    status,
    hostname: 'web-01',
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:01:05.000Z',
    duration_seconds: 65,
    dry_run: false,
    interrupted: null,
    summary: { total: targets.length, succeeded: targets.length - failed, failed },
    targets,
    tool: { name: 'snapshotter', version: '0.0.0' },
    notifications: [],
  };
}

const mixed = report([
  target('db_main-1.prod'),
  target('files', { status: 'failure', artifact: null, size_bytes: null, sha256: null, error: `tar failed: ${NASTY}` }),
]);

describe('placeholders', () => {
  it('fills every DESIGN §6 placeholder for a run and for one target', () => {
    const run = placeholderValues(fromReport(mixed));
    expect(run).toMatchObject({
      status: 'partial_failure',
      event: 'backup_partial_failure',
      hostname: 'web-01',
      timestamp: '2026-01-01T00:01:05.000Z',
      duration: '1m05s',
      summary: '1 of 2 targets succeeded, 1 failed',
      failed_targets: 'files',
      target: 'db_main-1.prod, files',
      error: `files: tar failed: ${NASTY}`,
      size: '2.0 KiB',
      server_name: 'db_main-1.prod, files',
      provider: 'filesystem',
    });
    const [first, second] = perTarget(fromReport(mixed));
    expect(placeholderValues(first!)).toMatchObject({
      status: 'success',
      target: 'db_main-1.prod',
      artifact: 'db_main-1.prod-20260101T000000Z.tar.gz',
      failed_targets: 'none',
    });
    expect(placeholderValues(second!)).toMatchObject({
      status: 'failure',
      event: 'backup_critical_failure',
      error: `tar failed: ${NASTY}`,
    });
  });

  it('takes server_name, server_id, provider, snapshot_name and total_snapshots from target details', () => {
    const cloud = report([
      target('web-1', {
        type: 'hetzner',
        details: {
          server_name: 'web-1.example',
          server_id: 789,
          provider: 'hetzner',
          snapshot_name: 'web-1-20260101T000000Z',
          total_snapshots: 3,
        },
      }),
    ]);
    expect(placeholderValues(fromReport(cloud))).toMatchObject({
      server_name: 'web-1.example',
      server_id: '789',
      provider: 'hetzner',
      snapshot_name: 'web-1-20260101T000000Z',
      total_snapshots: '3',
    });
  });

  it('a targets filter recomputes status and event for exactly those targets', () => {
    const onlyOk = narrow(fromReport(mixed), ['db_main-1.prod'])!;
    expect(onlyOk.event).toBe('backup_success');
    expect(onlyOk.targets.map((t) => t.name)).toEqual(['db_main-1.prod']);
    expect(narrow(fromReport(mixed), ['elsewhere'])).toBeNull();
  });
});

describe('templates', () => {
  it('finds unknown placeholders and leaves {{literal}} braces alone', () => {
    expect(unknownPlaceholders('{status} {nope} {{status}} {hostname} {nope} {also_bad}')).toEqual(['nope', 'also_bad']);
    expect(renderText('{{x}} {status}', { status: 'ok' })).toBe('{x} ok');
  });

  it('escapes interpolated values for Telegram HTML, never the template markup', () => {
    const html = renderText('<b>{target}</b>: {error}', placeholderValues(perTarget(fromReport(mixed))[1]!), escapeHtml);
    expect(html).toBe('<b>files</b>: tar failed: &lt;tag&gt; &amp; &quot;quotes&quot;');
  });

  it('escapes every MarkdownV2 reserved character in values', () => {
    const values = placeholderValues(perTarget(fromReport(mixed))[0]!);
    expect(renderText('*{target}*', values, escapeMarkdownV2)).toBe('*db\\_main\\-1\\.prod*');
    expect(escapeMarkdownV2('_*[]()~`>#+-=|{}.!\\')).toBe('\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\');
  });

  it('renders JSON templates: strings filled, keys and other values kept', () => {
    const out = renderJson(
      { text: '{hostname}: {status}', n: 5, nested: { list: ['{failed_targets}', true] } },
      placeholderValues(fromReport(mixed)),
    );
    expect(out).toEqual({ text: 'web-01: partial_failure', n: 5, nested: { list: ['files', true] } });
  });

  it('the default HTML text escapes the target name and the error', () => {
    const text = defaultText(fromReport(mixed), styleFor('HTML'));
    expect(text).toContain('<b>⚠️ Backup partially failed on web-01</b>');
    expect(text).toContain('✅ db_main-1.prod (filesystem): db_main-1.prod-20260101T000000Z.tar.gz, 2.0 KiB, 2.0s');
    expect(text).toContain('❌ files (filesystem): 2.0s, error: tar failed: &lt;tag&gt; &amp; &quot;quotes&quot;');
  });
});

describe('cutting to Telegram size', () => {
  it('leaves a text that fits alone', () => {
    expect(cutForTelegram('short', 'HTML')).toBe('short');
  });

  it('cuts to the limit with a marker, closing open HTML tags and never splitting an entity', () => {
    const long = `<b>${'a &amp; b '.repeat(1000)}</b>`;
    const cut = cutForTelegram(long, 'HTML');
    expect(cut.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
    expect(cut).toMatch(/<\/b>\n… \[cut: the message was longer than Telegram allows\]$/);
    expect(cut).not.toMatch(/&[a-z]*<\/b>/);
  });

  it('never leaves a dangling escape backslash in MarkdownV2, and escapes the marker', () => {
    const long = '\\.'.repeat(3000);
    for (const limit of [100, 101]) {
      const cut = cutForTelegram(long, 'MarkdownV2', limit);
      expect(cut.length).toBeLessThanOrEqual(limit);
      const head = cut.slice(0, cut.indexOf('\n'));
      expect(/\\+$/.exec(head)?.[0].length ?? 0).toBe(0);
      expect(cut).toContain('\\[cut: the message was longer than Telegram allows\\]');
    }
  });

  it('does not split a surrogate pair', () => {
    const cut = cutForTelegram('😀'.repeat(3000), 'none');
    expect(cut.length).toBeLessThanOrEqual(TELEGRAM_LIMIT);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
