// Crash consistency: `snapshotter run` killed with SIGKILL at random moments. After each kill every backup that
// looks complete verifies, and the next run is not blocked by the dead run's lock, succeeds, and removes the
// dead run's temporary files.
import { closeSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

function makeSource(dir: string): void {
  mkdirSync(join(dir, 'src', 'many'), { recursive: true });
  for (let i = 0; i < 300; i++) writeFileSync(join(dir, 'src', 'many', `f${i}.txt`), `file ${i}\n`.repeat(200));
  const fd = openSync(join(dir, 'src', 'blob'), 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 48; i++) {
    for (let j = 0; j < chunk.length; j += 4) chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, j);
    writeSync(fd, chunk);
  }
  closeSync(fd);
}

/** Every archive-named file must be a complete backup that verifies; returns how many there are. */
async function assertConsistent(dir: string, config: string): Promise<number> {
  const folder = join(dir, 'backups', 'files');
  const names = readdirSync(folder).filter((n) => !n.startsWith('.'));
  const archives = names.filter((n) => n.endsWith('.tar.gz'));
  for (const archive of archives) {
    expect(names).toContain(`${archive}.sha256`);
    expect(names).toContain(`${archive}.json`);
  }
  const verify = await runCli(['verify', '--all', '-c', config]);
  expect(verify.exitCode, verify.stdout).toBe(0);
  return archives.length;
}

describe('SIGKILL at random moments of a filesystem backup', () => {
  it('never leaves a backup that looks complete but is not, nor blocks the next run', async () => {
    const dir = tmpDir();
    makeSource(dir);
    const config = join(dir, 'c.yaml');
    writeFileSync(config, `backup_dir: ${dir}/backups\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src] }\n`);
    mkdirSync(join(dir, 'backups', 'files'), { recursive: true });
    const points = 14;
    let killedMidway = 0;
    let killedWhileWriting = 0;
    for (let i = 0; i < points; i++) {
      const child = startCli(['run', '-c', config]);
      await sleep(200 + Math.random() * 2500);
      const wasRunning = child.exitCode === null;
      child.kill('SIGKILL');
      await child;
      if (wasRunning) killedMidway += 1;
      if (readdirSync(join(dir, 'backups', 'files')).some((n) => n.includes('.snapshotter-tmp-'))) killedWhileWriting += 1;
      await assertConsistent(dir, config);
    }
    expect(killedMidway).toBeGreaterThan(points / 2);
    expect(killedWhileWriting).toBeGreaterThan(0);
    const before = await assertConsistent(dir, config);
    const next = await runCli(['run', '-c', config]);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(readdirSync(join(dir, 'backups', 'files')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readdirSync(join(dir, 'backups')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(await assertConsistent(dir, config)).toBe(before + 1);
  }, 240_000);
});
