// The tar structure walk behind verify: it counts what GNU tar lists, in every format GNU tar writes, and fails
// a stream that is cut (inside an entry or between entries), a damaged header, or garbage after the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TarWalker } from '../../src/archive/tar-walk.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { tmpDir } from '../helpers/tmp.js';

const hasTar = requireBinaries('tar walk', { tar: findBinary('tar') });

/** A small awkward tree: long and non-ASCII names, a symlink, an empty folder, a file of odd size. */
function awkwardTree(): string {
  const dir = tmpDir();
  const deep = join(dir, 'src', 'a'.repeat(60), 'b'.repeat(60));
  mkdirSync(deep, { recursive: true });
  mkdirSync(join(dir, 'src', 'empty'));
  writeFileSync(join(deep, `${'c'.repeat(120)}.txt`), 'long\n');
  writeFileSync(join(dir, 'src', 'héllo wörld.txt'), 'x'.repeat(70_001));
  symlinkSync('../missing/target', join(dir, 'src', 'dangling'));
  return dir;
}

/** What ustar can hold: a name split into a 155-byte prefix and 100-byte name, a symlink, an empty folder. */
function ustarTree(): string {
  const dir = tmpDir();
  const deep = join(dir, 'src', 'a'.repeat(60), 'b'.repeat(60));
  mkdirSync(deep, { recursive: true });
  mkdirSync(join(dir, 'src', 'empty'));
  writeFileSync(join(deep, `${'c'.repeat(90)}.txt`), 'long\n');
  writeFileSync(join(dir, 'src', 'odd size.txt'), 'x'.repeat(70_001));
  symlinkSync('../missing/target', join(dir, 'src', 'dangling'));
  return dir;
}

/** What v7 can hold: names under 100 bytes, a symlink, folders, an empty file and one of odd size. */
function v7Tree(): string {
  const dir = tmpDir();
  mkdirSync(join(dir, 'src', 'sub', 'empty'), { recursive: true });
  writeFileSync(join(dir, 'src', 'sub', `${'c'.repeat(80)}.txt`), 'long\n');
  writeFileSync(join(dir, 'src', 'empty.txt'), '');
  writeFileSync(join(dir, 'src', 'odd size.txt'), 'x'.repeat(70_001));
  symlinkSync('../missing/target', join(dir, 'src', 'dangling'));
  return dir;
}

const TREES: Record<string, () => string> = { gnu: awkwardTree, posix: awkwardTree, ustar: ustarTree, v7: v7Tree };

function walk(tar: Buffer, chunk = 999): number {
  const walker = new TarWalker();
  for (let at = 0; at < tar.length; at += chunk) walker.write(tar.subarray(at, at + chunk));
  return walker.end();
}

describe.skipIf(!hasTar)('TarWalker', () => {
  it.each(['gnu', 'posix', 'ustar', 'v7'])('counts what GNU tar lists (--format=%s)', (format) => {
    const dir = TREES[format]!();
    const tar = execFileSync('tar', ['-cf', '-', `--format=${format}`, '-C', dir, 'src']);
    const listed = execFileSync('tar', ['-tf', '-'], { input: tar, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    expect(listed).toBe(7);
    expect(walk(tar)).toBe(listed);
    expect(walk(tar, 512)).toBe(listed);
    expect(walk(tar, tar.length)).toBe(listed);
  });

  it('fails a stream cut inside an entry, between entries, or before the second zero block', () => {
    const tar = execFileSync('tar', ['-cf', '-', '--format=posix', '-C', awkwardTree(), 'src']);
    const end =
      tar.length -
      Buffer.from(tar)
        .reverse()
        .findIndex((b) => b !== 0); // after the last non-zero byte
    const afterData = Math.ceil(end / 512) * 512;
    expect(() => walk(tar.subarray(0, 2048 + 100))).toThrow(/unexpected end/);
    expect(() => walk(tar.subarray(0, afterData))).toThrow(/no end-of-archive marker/);
    expect(() => walk(tar.subarray(0, afterData + 512))).toThrow(/no end-of-archive marker/);
    expect(walk(tar.subarray(0, afterData + 1024))).toBe(7);
  });

  it('fails a damaged header and non-zero bytes after the end marker', () => {
    const tar = execFileSync('tar', ['-cf', '-', '--format=posix', '-C', awkwardTree(), 'src']);
    const damaged = Buffer.from(tar);
    damaged[10]! ^= 0x20;
    expect(() => walk(damaged)).toThrow(/checksum mismatch/);
    const trailing = Buffer.concat([tar, Buffer.from('garbage')]);
    expect(() => walk(trailing)).toThrow(/after the end-of-archive marker/);
    const notTar = Buffer.alloc(4096, 'x');
    expect(() => walk(notTar)).toThrow(/checksum mismatch|octal/);
  });
});
