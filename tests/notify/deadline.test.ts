// The notification deadline covers the whole run: a receiver that never answers backup_start uses it up, and the
// outcome message is then abandoned without another wait (before: each phase had the full deadline again).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { startReceiver, type Receiver } from './receiver.js';

describe('notifications.deadline', () => {
  let hook: Receiver;
  beforeAll(async () => (hook = await startReceiver('hang')));
  afterAll(() => hook.close());

  it('is one deadline for the start and the outcome messages of a run', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a'), 'a');
    writeFileSync(
      join(dir, 'c.yaml'),
      [
        `backup_dir: ${dir}/b`,
        'targets:',
        `  - { name: files, type: filesystem, paths: [${dir}/src] }`,
        'notifications:',
        '  deadline: 1s',
        `  webhooks: [{ url: "${hook.url}/h", timeout: 1m, retries: 0, events: [backup_start, backup_success] }]`,
        '',
      ].join('\n'),
    );
    const result = await runCli(['run', '--json', '-c', join(dir, 'c.yaml')]);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.notifications.map((n) => [n.event, n.ok, n.error?.startsWith('abandoned: the notification deadline')])).toEqual(
      [
        ['backup_start', false, true],
        ['backup_success', false, true],
      ],
    );
    expect(hook.requests.map((r) => (r.json as { event: string }).event)).toEqual(['backup_start']);
  }, 60_000);
});
