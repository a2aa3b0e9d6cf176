// Durations used as timers are capped at 24d (a Node.js timer of 2^31 ms or more fires after 1 ms); durations that
// are not timers (retention windows, ages, lock_alert_after) may be longer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { tmpDir } from '../helpers/tmp.js';

function load(extra: string[]) {
  const dir = tmpDir();
  const file = join(dir, 'c.yaml');
  writeFileSync(file, [`backup_dir: ${dir}/b`, ...extra, ''].join('\n'));
  return () => loadConfig(file, {});
}

const target = (more = '') => ['targets:', `  - { name: f, type: filesystem, paths: [/etc]${more} }`];

describe('timer durations', () => {
  it.each([
    ['a target timeout', target(', timeout: 30d'), /targets\[0\]\.timeout: a timer duration can be at most 24d .*got 30d/],
    ['the notification deadline', [...target(), 'notifications: { deadline: 25d }'], /notifications\.deadline: a timer/],
    [
      'a cloud wait_timeout',
      ['targets:', '  - { name: d, type: digitalocean, droplet_id: 1, token: t, wait_timeout: 90d }'],
      /wait_timeout: a timer/,
    ],
  ])('%s of 2^31 ms or more is a config error naming the key and the maximum', (_what, lines, message) => {
    expect(load(lines)).toThrow(message);
  });

  it('keeps long durations that are not timers', () => {
    const { config } = load([
      'lock_alert_after: 60d',
      'defaults: { max_age: 40d, retention: { keep_within: 400d } }',
      ...target(', timeout: 24d'),
    ])();
    expect(config.targets[0]!.retention.keep_within).toBe(400 * 86_400_000);
    expect(config.targets[0]!.timeout).toBe(24 * 86_400_000);
    expect(config.lock_alert_after).toBe(60 * 86_400_000);
  });
});
