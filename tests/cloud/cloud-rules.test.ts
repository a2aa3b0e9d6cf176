// The pure rules of cloud targets: which snapshots are ours, which of ours go, how names stay unique, how long
// a 429 makes us wait, and which retention keys a cloud target accepts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseExpired, freeSnapshotName, managedTime } from '../../src/targets/_cloud/retention.js';
import { serverDelay } from '../../src/http/retry.js';
import type { RemoteBackup } from '../../src/targets/types.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const snap = (name: string, id: string): RemoteBackup => ({
  name,
  id,
  time: managedTime('web', name)!,
  size_bytes: null,
  state: 'available',
});

describe('cloud retention', () => {
  const list = ['web-20200101T000000Z', 'web-20200103T000000Z', 'web-20200102T000000Z', 'web-20200104T000000Z'].map((n, i) =>
    snap(n, String(i + 1)),
  );

  it('keeps the newest keep_last by the stamp in the name, never the protected new one', () => {
    const { keep, expire } = chooseExpired(list, 2, '2');
    expect(keep.map((s) => s.name)).toEqual(['web-20200104T000000Z', 'web-20200103T000000Z']);
    expect(expire.map((s) => s.name)).toEqual(['web-20200102T000000Z', 'web-20200101T000000Z']);
    // A new snapshot whose stamp is older than the others (clock skew) is still kept.
    const skewed = chooseExpired(list, 1, '1');
    expect(skewed.keep.map((s) => s.id)).toEqual(['1']);
    expect(skewed.expire).toHaveLength(3);
  });

  it('keeps everything without keep_last', () => {
    expect(chooseExpired(list, undefined, '1').expire).toEqual([]);
  });

  it('recognises only <target>-<valid stamp> as ours', () => {
    expect(managedTime('web', 'web-20200101T000000Z')?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    for (const name of [
      'web-20200101T000000Z-manual',
      'web-1-20200101T000000Z',
      'web-20201341T000000Z',
      'webx-20200101T000000Z',
      'before-upgrade',
      '',
    ]) {
      expect(managedTime('web', name), name).toBeUndefined();
    }
    expect(managedTime('web-1', 'web-1-20200101T000000Z')?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });

  it('picks the next free second when a name is taken', () => {
    const now = new Date('2026-01-01T00:00:00.400Z');
    expect(freeSnapshotName('web', now, new Set())).toBe('web-20260101T000000Z');
    expect(freeSnapshotName('web', now, new Set(['web-20260101T000000Z', 'web-20260101T000001Z']))).toBe('web-20260101T000002Z');
  });
});

describe('waiting on a 429', () => {
  const now = Date.UTC(2026, 0, 1);
  it('honours Retry-After (any case), then the body, then the reset header', () => {
    expect(serverDelay({ 'Retry-After': '3' }, undefined, now)).toBe(3000);
    expect(serverDelay({ 'retry-after': '2', 'ratelimit-reset': String(now / 1000 + 60) }, undefined, now)).toBe(2000);
    expect(serverDelay({ 'RateLimit-Reset': String(now / 1000 + 7) }, undefined, now)).toBe(7000);
  });
  it('backs off normally when the reset time is already past', () => {
    expect(serverDelay({ 'ratelimit-reset': String(now / 1000 - 5) }, undefined, now)).toBeUndefined();
  });
});

describe('cloud target config', () => {
  function check(lines: string[]) {
    const dir = tmpDir();
    const file = join(dir, 'snapshotter.yaml');
    writeFileSync(file, [`backup_dir: ${dir}/b`, ...lines].join('\n') + '\n', { mode: 0o600 });
    return runCli(['config', 'check', '-c', file]);
  }

  it('rejects calendar retention rules, also when inherited from defaults, naming key and line', async () => {
    const result = await check([
      'defaults:',
      '  retention: { keep_daily: 7 }',
      'targets:',
      '  - name: web-1',
      '    type: digitalocean',
      '    droplet_id: 1',
      '    token: abcdef',
      '  - name: web-2',
      '    type: hetzner',
      '    server_id: 2',
      '    token: abcdef',
      '    retention: { keep_last: 0 }',
    ]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toMatch(
      /targets\[0\]\.retention\.keep_daily: cloud snapshot targets support only retention\.keep_last/,
    );
    expect(result.stderr).toMatch(/:13:\d+: targets\[1\]\.retention\.keep_last: must be at least 1/);
  });

  it('accepts keep_last, ms durations and masks the token', async () => {
    const result = await check([
      'targets:',
      '  - name: web-1',
      '    type: digitalocean',
      '    droplet_id: "42"',
      '    token: dop_v1_verysecret',
      '    poll_interval: 250ms',
      '    retention: { keep_last: 3 }',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('poll_interval: 250');
    expect(result.stdout).toContain('api_url: https://api.digitalocean.com');
    expect(result.stdout).not.toContain('dop_v1_verysecret');
  });

  it('requires a hetzner target name that is a valid label value', async () => {
    const result = await check(['targets:', '  - name: web-', '    type: hetzner', '    server_id: 2', '    token: abcdef']);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain('targets[0].name: a hetzner target name becomes a label value');
  });
});
