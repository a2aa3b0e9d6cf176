// `run --json`: stdout holds exactly one JSON document, the run report (the webhook's default payload of
// DESIGN §6) with its documented fields and types; every log line goes to stderr, as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { sourceDir, writeConfig } from './fixtures.js';

// The built CLI carries the version the build wrote in (scripts/build.mjs): it must be package.json's.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const iso = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

describe('run --json', () => {
  it('prints the report alone on stdout, with the documented fields', async () => {
    const dir = tmpDir();
    const { config } = writeConfig(dir, [
      { name: 'good', paths: [sourceDir(dir, 'a', 5_000)] },
      { name: 'bad', paths: [join(dir, 'missing')] },
    ]);
    const result = await runCli(['run', '-c', config, '--json'], { env: { FORCE_COLOR: '1' } });
    expect(result.exitCode, result.stderr).toBe(2);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      event: 'backup_partial_failure',
      status: 'partial_failure',
      hostname: expect.any(String),
      started_at: iso,
      finished_at: iso,
      duration_seconds: expect.any(Number),
      summary: { total: 2, succeeded: 1, failed: 1 },
      tool: { name: 'snapshotter', version },
    });
    const targets = report.targets as Record<string, unknown>[];
    expect(targets).toHaveLength(2);
    expect(targets.find((t) => t.name === 'good')).toMatchObject({
      type: 'filesystem',
      status: 'success',
      artifact: expect.stringMatching(/^good-\d{8}T\d{6}Z\.tar\.gz$/),
      size_bytes: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      duration_seconds: expect.any(Number),
      error: null,
      deleted: [],
      warnings: [],
    });
    expect(targets.find((t) => t.name === 'bad')).toMatchObject({
      type: 'filesystem',
      status: 'failure',
      artifact: null,
      size_bytes: null,
      sha256: null,
      duration_seconds: expect.any(Number),
      error: expect.stringContaining('none of the paths exist'),
      deleted: [],
      warnings: [expect.objectContaining({ code: 'missing_path' })],
    });

    // Every stderr line is a JSON log line; no escape sequences (no progress, no colours).
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(result.stderr).not.toContain('\x1b[');
    expect(result.stdout).not.toContain('\x1b[');
  });
});
