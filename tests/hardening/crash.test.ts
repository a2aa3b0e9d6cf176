// Crash consistency: `snapshotter run` and `snapshotter prune` killed with SIGKILL at chosen moments, each one
// observed rather than slept for (the temporary archive has reached N bytes, the first backup was deleted), and
// each kill asserted to have landed there. After every kill each backup that looks complete verifies; the next
// run is not blocked by the dead run's lock, succeeds, and removes the dead run's temporary files.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { runCli, startCli } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';
import { testWriter } from '../helpers/writer.js';
import { randomFile } from '../helpers/files.js';
import { tempFiles, whenDir, whenTempHolds } from '../helpers/watch.js';

const MIB = 1024 * 1024;

function makeSource(dir: string): void {
  mkdirSync(join(dir, 'src', 'many'), { recursive: true });
  for (let i = 0; i < 300; i++) writeFileSync(join(dir, 'src', 'many', `f${i}.txt`), `file ${i}\n`.repeat(200));
  randomFile(join(dir, 'src', 'blob'), 24);
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
  if (archives.length === 0) return 0; // nothing looks complete: nothing to verify
  // `verify --all` through the CLI's main() in this process: the same command and checks as a spawned CLI, without
  // a start-up per check (the runs and prunes killed here stay processes of their own).
  const verify = await mainInProcess(['verify', '--all', '-c', config]);
  expect(verify.exitCode, verify.stdout).toBe(0);
  return archives.length;
}

/**
 * Starts `run`, waits until a temporary file this run created holds at least `bytes`, and kills it there; asserts
 * the kill landed while that file was being written (it is still there, never renamed).
 */
async function killWhileWriting(config: string, folder: string, bytes: number): Promise<void> {
  const before = new Set(tempFiles(folder));
  const child = startCli(['run', '-c', config]);
  const temp = await whenTempHolds(folder, bytes, child, before);
  child.kill('SIGKILL');
  const result = await child;
  expect(result.signal, 'killed by the test, not finished').toBe('SIGKILL');
  expect(tempFiles(folder), `the kill landed while ${temp} was written`).toContain(temp);
}

describe('SIGKILL while a filesystem backup writes its archive', () => {
  it('never leaves a backup that looks complete but is not, nor blocks the next run', async () => {
    const dir = tmpDir();
    makeSource(dir);
    const config = join(dir, 'c.yaml');
    writeFileSync(config, `backup_dir: ${dir}/backups\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src] }\n`);
    const folder = join(dir, 'backups', 'files');
    mkdirSync(folder, { recursive: true });
    // The archive is about 24 MiB: kill at its start, and at 4, 8 and 16 MiB into it.
    for (const bytes of [0, 4 * MIB, 8 * MIB, 16 * MIB]) {
      await killWhileWriting(config, folder, bytes);
      expect(await assertConsistent(dir, config)).toBe(0);
    }
    const next = await runCli(['run', '-c', config]);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(readdirSync(folder).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readdirSync(join(dir, 'backups')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(await assertConsistent(dir, config)).toBe(1);
  }, 240_000);
});

const SLOW_DOCKER = fileURLToPath(new URL('../fixtures/slow-dump/docker', import.meta.url));

describe('SIGKILL while a streamed dump is written', () => {
  it('never leaves a dump that looks complete but is not, nor blocks the next run', async () => {
    const dir = tmpDir();
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ntargets:\n  - { name: db, type: postgres, container: pg, docker_command: ${SLOW_DOCKER} }\n`,
    );
    const folder = join(dir, 'backups', 'db');
    mkdirSync(folder, { recursive: true });
    // The compressed dump grows for a few seconds: kill at its start and a little way in.
    for (const bytes of [0, 1, 64 * 1024]) {
      await killWhileWriting(config, folder, bytes);
      expect(await assertConsistent(dir, config, 'db', '.sql.gz')).toBe(0);
    }
    const next = await runCli(['run', '-c', config]);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(readdirSync(folder).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(await assertConsistent(dir, config, 'db', '.sql.gz')).toBe(1);
  }, 240_000);
});

describe('SIGKILL during a prune', () => {
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
    const start = Date.parse('2026-01-01T00:00:00Z');
    const archives = (): string[] => readdirSync(folder).filter((n) => n.endsWith('.tar.gz'));
    let count = 0;
    for (let i = 0; i < 3; i++) {
      // 100 more complete backups, an hour apart; the newest two must survive whatever happens to the prune.
      for (let j = 0; j < 100; j++, count++) {
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
      const before = archives().length;
      const child = startCli(['prune', '-c', config]);
      await whenDir(folder, () => archives().length < before, child); // the first deletion
      child.kill('SIGKILL');
      const result = await child;
      expect(result.signal, 'killed by the test, not finished').toBe('SIGKILL');
      const left = archives().length;
      expect(left, 'the kill landed after the first deletion').toBeLessThan(before);
      expect(left, 'the kill landed before the last deletion').toBeGreaterThan(2);
      await assertConsistent(dir, config);
      for (const stamp of newest) expect(existsSync(join(folder, `files-${stamp}.tar.gz`)), stamp).toBe(true);
    }
    const next = await runCli(['prune', '-c', config]);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(await assertConsistent(dir, config)).toBe(2);
  }, 240_000);
});
