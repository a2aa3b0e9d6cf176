// Hostile archives built with GNU tar, wrapped so that they pass verification, must be refused or neutralised;
// a scan of everything outside DIR (a sentinel parent folder, /etc/passwd) proves nothing was written there.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RestoreRefusedError } from '../../src/restore/entry-path.js';
import { restoreArchive, type RestoreArchiveResult } from '../../src/restore/restore-archive.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { fingerprint, gnuTar, snapshotTree, wrapArchive } from './helpers.js';

const quiet = { update: () => undefined, done: () => undefined };

interface Scene {
  root: string;
  work: string;
  outside: string;
  dir: string;
}

/** root/{outside (sentinel), work (where the archive is built), restore (DIR, empty)}. */
function scene(): Scene {
  const root = tmpDir('snapshotter-hostile-');
  const s = { root, work: join(root, 'work'), outside: join(root, 'outside'), dir: join(root, 'restore') };
  for (const d of [s.work, s.outside, s.dir]) mkdirSync(d);
  writeFileSync(join(s.outside, 'sentinel.txt'), 'sentinel\n');
  return s;
}

/** Builds the archive, snapshots everything outside DIR, restores, and proves the outside did not change. */
async function restoreHostile(
  s: Scene,
  build: () => string,
  options: { paths?: string[] } = {},
): Promise<{ result?: RestoreArchiveResult; error?: Error; members: string[] }> {
  const tarGz = build();
  const members = gnuTar(['-tPzf', tarGz]).split('\n').filter(Boolean);
  const archive = await wrapArchive(tarGz, s.root);
  const outsideBefore = snapshotTree(s.root, (rel) => rel === 'restore');
  const passwdBefore = fingerprint('/etc/passwd');
  let result: RestoreArchiveResult | undefined;
  let error: Error | undefined;
  try {
    result = await restoreArchive({
      archive,
      to: s.dir,
      force: false,
      paths: options.paths ?? [],
      dryRun: false,
      maxRatio: 200,
      progress: quiet,
    });
  } catch (caught) {
    error = caught as Error;
  }
  expect(snapshotTree(s.root, (rel) => rel === 'restore')).toEqual(outsideBefore);
  expect(fingerprint('/etc/passwd')).toBe(passwdBefore);
  return { result, error, members };
}

describe('restore refuses or neutralises hostile archives', () => {
  it('absolute member names (--absolute-names) are kept inside DIR', async () => {
    const s = scene();
    const target = join(s.outside, 'abs.txt');
    const { result, members } = await restoreHostile(s, () => {
      writeFileSync(target, 'EVIL\n');
      gnuTar(['-czPf', join(s.work, 'a.tar.gz'), target]);
      writeFileSync(target, 'original\n');
      return join(s.work, 'a.tar.gz');
    });
    expect(members).toEqual([target]);
    expect(result?.entries).toBe(1);
    expect(readFileSync(target, 'utf8')).toBe('original\n');
    expect(readFileSync(join(s.dir, target), 'utf8')).toBe('EVIL\n');
  });

  it('a member with ../ is refused and nothing is written', async () => {
    const s = scene();
    const { error, members } = await restoreHostile(s, () => {
      writeFileSync(join(s.outside, 'escape.txt'), 'escaped\n');
      mkdirSync(join(s.work, 'innocent-looking'));
      gnuTar(['-czPf', join(s.work, 'b.tar.gz'), '-C', s.work, 'innocent-looking/../../outside/escape.txt']);
      rmSync(join(s.outside, 'escape.txt'));
      return join(s.work, 'b.tar.gz');
    });
    expect(members).toEqual(['innocent-looking/../../outside/escape.txt']);
    expect(error).toBeInstanceOf(RestoreRefusedError);
    expect(error?.message).toContain('"innocent-looking/../../outside/escape.txt"');
    expect(error?.message).toContain('".."');
    expect(existsSync(join(s.outside, 'escape.txt'))).toBe(false);
    expect(readdirSync(s.dir)).toEqual([]);
  });

  it('a symlink pointing outside, then a file written through it, is refused', async () => {
    const s = scene();
    const { error, members } = await restoreHostile(s, () => {
      const tar = join(s.work, 'c.tar');
      symlinkSync(s.outside, join(s.work, 'escape'));
      gnuTar(['-cf', tar, '-C', s.work, 'escape']);
      rmSync(join(s.work, 'escape'));
      mkdirSync(join(s.work, 'escape'));
      writeFileSync(join(s.work, 'escape', 'pwned.txt'), 'pwned\n');
      gnuTar(['-rf', tar, '-C', s.work, 'escape/pwned.txt']);
      execFileSync('gzip', [tar]);
      return `${tar}.gz`;
    });
    expect(members).toEqual(['escape', 'escape/pwned.txt']);
    expect(error).toBeInstanceOf(RestoreRefusedError);
    expect(error?.message).toContain('"escape/pwned.txt"');
    expect(error?.message).toContain('symbolic link');
    expect(existsSync(join(s.outside, 'pwned.txt'))).toBe(false);
    expect(readdirSync(s.dir)).toEqual([]);
  });

  it('a symlink to a file outside, then a regular file of the same name, replaces the link and never writes through it', async () => {
    const s = scene();
    const { result } = await restoreHostile(s, () => {
      const tar = join(s.work, 'd.tar');
      symlinkSync(join(s.outside, 'sentinel.txt'), join(s.work, 'victim'));
      gnuTar(['-cf', tar, '-C', s.work, 'victim']);
      rmSync(join(s.work, 'victim'));
      writeFileSync(join(s.work, 'victim'), 'overwritten\n');
      gnuTar(['-rf', tar, '-C', s.work, 'victim']);
      execFileSync('gzip', [tar]);
      return `${tar}.gz`;
    });
    expect(result?.entries).toBe(2);
    expect(lstatSync(join(s.dir, 'victim')).isFile()).toBe(true);
    expect(readFileSync(join(s.dir, 'victim'), 'utf8')).toBe('overwritten\n');
    expect(readFileSync(join(s.outside, 'sentinel.txt'), 'utf8')).toBe('sentinel\n');
  });

  it.each([
    ['/etc/passwd', 'not a file restored earlier'],
    ['../../../../../../etc/passwd', '".."'],
  ])('a hard link to %s is refused', async (linkTarget, why) => {
    const s = scene();
    const { error, members } = await restoreHostile(s, () => {
      const tar = join(s.work, 'e.tar');
      writeFileSync(join(s.work, 'a'), 'x\n');
      linkSync(join(s.work, 'a'), join(s.work, 'b'));
      gnuTar(['-cPf', tar, '-C', s.work, '--transform', `flags=h;s,^a$,${linkTarget},`, 'a', 'b']);
      gnuTar(['--delete', '-P', '-f', tar, 'a']);
      execFileSync('gzip', [tar]);
      return `${tar}.gz`;
    });
    expect(members).toEqual(['b']);
    expect(gnuTar(['-tvPzf', join(s.work, 'e.tar.gz')])).toContain(`b link to ${linkTarget}`);
    expect(error).toBeInstanceOf(RestoreRefusedError);
    expect(error?.message).toContain('"b"');
    expect(error?.message).toContain(why);
    expect(readdirSync(s.dir)).toEqual([]);
  });

  it('FIFOs and device nodes are not restored; each skip names the entry', async () => {
    const s = scene();
    const { result } = await restoreHostile(s, () => {
      execFileSync('mkfifo', [join(s.work, 'fifo')]);
      writeFileSync(join(s.work, 'plain.txt'), 'plain\n');
      // /dev/null itself is the device node: GNU tar stores it without the privilege mknod would need.
      gnuTar(['-czf', join(s.work, 'f.tar.gz'), '-C', '/dev', 'null', '-C', s.work, 'fifo', 'plain.txt']);
      return join(s.work, 'f.tar.gz');
    });
    expect(readdirSync(s.dir)).toEqual(['plain.txt']);
    expect(result?.skipped.map((x) => x.entry)).toEqual(['null', 'fifo']);
    expect(result?.skipped.find((x) => x.entry === 'null')?.reason).toMatch(/device/i);
    expect(result?.skipped.find((x) => x.entry === 'fifo')?.reason).toContain('FIFO');
  });

  it('the CLI exits 1 naming the entry, and DIR stays empty', async () => {
    const s = scene();
    writeFileSync(join(s.outside, 'escape.txt'), 'escaped\n');
    gnuTar(['-czPf', join(s.work, 'b.tar.gz'), '-C', s.dir, '../outside/escape.txt']);
    const archive = await wrapArchive(join(s.work, 'b.tar.gz'), s.root);
    rmSync(join(s.outside, 'escape.txt'));
    const result = await runCli(['restore', archive, '--to', s.dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('refused entry "../outside/escape.txt"');
    expect(readdirSync(s.dir)).toEqual([]);
    expect(existsSync(join(s.outside, 'escape.txt'))).toBe(false);
  });
});
