// Hooks that hang or are interrupted: the hook_timeout kills the hook's process group, and SIGTERM in the middle
// of a hooked target still runs its after hooks before the run exits 143. Every wait is on an observed event.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { hookDir } from './setup.js';

/** Whether a process is still running (a zombie waiting for its reaper counts as gone). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitForFile(path: string, what: string): Promise<void> {
  for (let i = 0; i < 2400 && !existsSync(path); i++) await sleep(25);
  if (!existsSync(path)) throw new Error(`never saw ${what} (${path})`);
}

describe('hooks that hang or are interrupted', () => {
  it('a hanging before hook is killed at hook_timeout with what it started; the target fails, its after runs', async () => {
    const h = hookDir();
    h.write(`backup_dir: $DIR/backups
hostname: hh
targets:
  - name: stuck
    type: filesystem
    paths: [$DIR/src]
    hook_timeout: 1s
    hooks:
      before: ["sleep 600 & echo $! > $DIR/sleep.pid; wait"]
      after: [[$DIR/rec, stuck-after]]
`);
    const result = await runCli(['run', '-c', h.config, '--json']);
    expect(result.exitCode, result.stderr).toBe(1);
    const [stuck] = JSON.parse(result.stdout).targets;
    expect(stuck.error).toMatch(/^before hook `sleep 600 & .*; wait` timed out after 1\.0s \(its process group was killed\)$/);
    expect(stuck.hooks[0]).toMatchObject({ event: 'before', exit_code: null });
    expect(h.events()).toEqual(['stuck-after event=after target=stuck type=filesystem status=failure archive=none host=hh']);
    const pid = Number(readFileSync(join(h.dir, 'sleep.pid'), 'utf8'));
    expect(running(pid)).toBe(false);
  });

  it('SIGTERM while a hooked target backs up: its after hook and the run’s after hook run, then exit 143', async () => {
    const h = hookDir();
    // A docker stand-in whose dump blocks: the test signals once it has started.
    const docker = join(h.dir, 'blocking-docker');
    writeFileSync(docker, `#!/bin/sh\necho started > ${h.dir}/dump-started\nexec sleep 600\n`);
    chmodSync(docker, 0o755);
    h.write(`backup_dir: $DIR/backups
hostname: hh
hooks:
  before: [[$DIR/rec, run-before]]
  after: [[$DIR/rec, run-after]]
targets:
  - name: db
    type: postgres
    container: pg
    docker_command: ${docker}
    hooks:
      before: [[$DIR/rec, db-before]]
      after: [[$DIR/rec, db-after]]
      on_failure: [[$DIR/rec, db-failure]]
`);
    const child = startCli(['run', '-c', h.config]);
    await waitForFile(join(h.dir, 'dump-started'), 'the dump start');
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(143);
    expect(h.events()).toEqual([
      'run-before event=before target= type= status= archive=none host=hh',
      'db-before event=before target=db type=postgres status= archive=none host=hh',
      'db-after event=after target=db type=postgres status=failure archive=none host=hh',
      'run-after event=after target= type= status=failure archive=none host=hh',
    ]);
    expect(String(result.stderr)).toContain('on_failure hooks skipped: the run was interrupted');
    expect(existsSync(join(h.dir, 'backups', '.snapshotter.lock'))).toBe(false);
  });
});
