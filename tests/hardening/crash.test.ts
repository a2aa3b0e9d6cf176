// Crash consistency: `snapshotter run` killed with SIGKILL at random moments. After each kill every backup that
// looks complete verifies, and the next run is not blocked by the dead run's lock, succeeds, and removes the
// dead run's temporary files.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { runCli, startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { testWriter } from '../helpers/writer.js';
import { randomFile } from '../helpers/files.js';

function makeSource(dir: string): void {
  mkdirSync(join(dir, 'src', 'many'), { recursive: true });
  for (let i = 0; i < 300; i++) writeFileSync(join(dir, 'src', 'many', `f${i}.txt`), `file ${i}\n`.repeat(200));
  randomFile(join(dir, 'src', 'blob'), 48);
}

/** Every archive-named file must be a complete backup that verifies; returns how many there are. */
async function assertConsistent(dir: string, config: string, target = 'files', ext = '.tar.gz'): Promise<number> {
  const folder = join(dir, 'backups', target);
  const names = readdirSync(folder).filter((n) => !n.startsWith('.'));
  const archives = names.filter((n) => n.endsWith(ext));
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

const SLOW_DOCKER = fileURLToPath(new URL('../fixtures/slow-dump/docker', import.meta.url));

describe('SIGKILL at random moments of a streamed dump', () => {
  it('never leaves a dump that looks complete but is not, nor blocks the next run', async () => {
    const dir = tmpDir();
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n  - { name: db, type: postgres, container: pg, docker_command: ${SLOW_DOCKER} }\n`,
    );
    mkdirSync(join(dir, 'backups', 'db'), { recursive: true });
    const points = 8;
    let killedWhileWriting = 0;
    for (let i = 0; i < points; i++) {
      const child = startCli(['run', '-c', config]);
      await sleep(300 + Math.random() * 2500);
      child.kill('SIGKILL');
      await child;
      if (readdirSync(join(dir, 'backups', 'db')).some((n) => n.includes('.snapshotter-tmp-'))) killedWhileWriting += 1;
      await assertConsistent(dir, config, 'db', '.sql.gz');
    }
    expect(killedWhileWriting).toBeGreaterThan(0);
    const before = await assertConsistent(dir, config, 'db', '.sql.gz');
    const next = await runCli(['run', '-c', config]);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(readdirSync(join(dir, 'backups', 'db')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(await assertConsistent(dir, config, 'db', '.sql.gz')).toBe(before + 1);
  }, 240_000);
});

describe('SIGKILL at random moments of a prune', () => {
  it('never loses a backup retention keeps, nor leaves one that looks complete but is not', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src], retention: { keep_last: 2 } }\n`,
    );
    const folder = join(dir, 'backups', 'files');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(dir, 'src', 'a.txt'), 'a\n');
    const tar = execFileSync('tar', ['-cf', '-', '-C', dir, 'src/a.txt']);
    const points = 8;
    const start = Date.parse('2026-01-01T00:00:00Z');
    let count = 0;
    for (let i = 0; i < points; i++) {
      // 30 more complete backups, an hour apart; the newest two must survive whatever happens to the prune.
      for (let j = 0; j < 30; j++, count++) {
        const now = new Date(start + count * 3_600_000);
        const writer = testWriter(folder, { compressionLevel: 1, verifyAfterWrite: false, now: () => now });
        await writer.write({ format: 'tar', source: Readable.from([tar]), describe: {}, finish: () => ({ entries: 1 }) });
      }
      const newest = [count - 1, count - 2].map((k) =>
        new Date(start + k * 3_600_000)
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}Z$/, 'Z'),
      );
      const child = startCli(['prune', '-c', config]);
      await sleep(400 + Math.random() * 1500);
      child.kill('SIGKILL');
      await child;
      await assertConsistent(dir, config);
      for (const stamp of newest) expect(existsSync(join(folder, `files-${stamp}.tar.gz`)), stamp).toBe(true);
    }
    const next = await runCli(['prune', '-c', config]);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(await assertConsistent(dir, config)).toBe(2);
  }, 240_000);
});
