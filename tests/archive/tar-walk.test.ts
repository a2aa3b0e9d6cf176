// The tar structure walk behind verify: it counts what GNU tar lists, in every format GNU tar writes, and fails
// a stream that is cut (inside an entry or between entries), a damaged header, or garbage after the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TarWalker } from '../../src/archive/tar-walk.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { tmpDir } from '../helpers/tmp.js';

const hasTar = (): boolean => requireBinaries('tar walk', { tar: findBinary('tar') });

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

function walk(tar: Buffer, chunk = 999): number {
  const walker = new TarWalker();
  for (let at = 0; at < tar.length; at += chunk) walker.write(tar.subarray(at, at + chunk));
  return walker.end();
}

describe('TarWalker', () => {
  it.each(['gnu', 'posix', 'ustar', 'v7'])('counts what GNU tar lists (--format=%s)', (format) => {
    if (!hasTar()) return;
    const dir = awkwardTree();
    const args = ['-cf', '-', `--format=${format}`, '-C', dir, 'src'];
    let tar: Buffer;
    try {
      tar = execFileSync('tar', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return; // ustar and v7 cannot store the long name; nothing to compare
    }
    const listed = execFileSync('tar', ['-tf', '-'], { input: tar, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    expect(walk(tar)).toBe(listed);
    expect(walk(tar, 512)).toBe(listed);
    expect(walk(tar, tar.length)).toBe(listed);
  });

  it('fails a stream cut inside an entry, between entries, or before the second zero block', () => {
    if (!hasTar()) return;
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
    expect(walk(tar.subarray(0, afterData + 1024))).toBeGreaterThan(0);
  });

  it('fails a damaged header and non-zero bytes after the end marker', () => {
    if (!hasTar()) return;
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
