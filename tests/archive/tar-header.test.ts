// The packer's header encoders: the fast ustar path writes exactly the bytes the full encoder writes (or
// declines, writing nothing); device numbers use Linux's major/minor split; PAX times keep nanoseconds.
import type { Stats } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceNumbers, writeSimpleHeader, type EntryMeta, type EntryType } from '../../src/targets/filesystem/tar-entry.js';
import { encodeHeader, paxTime } from '../../src/targets/filesystem/tar-pax.js';

const TYPES: EntryType[] = ['File', 'Directory', 'SymbolicLink', 'Link', 'FIFO', 'CharacterDevice', 'BlockDevice'];

function fakeStat(s: { mode: number; uid: number; gid: number; mtimeMs: number; rdev: number }): Stats {
  return { ...s } as unknown as Stats;
}

/** The exact mtime a real stat would report alongside this mtimeMs (whole seconds agree). */
function nsOf(mtimeMs: number): bigint {
  const seconds = Math.floor(mtimeMs / 1000);
  return BigInt(seconds) * 1_000_000_000n + BigInt(Math.floor((mtimeMs - seconds * 1000) * 1e6));
}

function entry(path: string, stat: Stats, type: EntryType, size: number, linkpath?: string, owner = ''): EntryMeta {
  return { path, stat, type, size, linkpath, uname: owner, gname: owner };
}

describe('writeSimpleHeader', () => {
  it('equals the full encoder byte for byte, or declines (property)', () => {
    const name = fc.string({
      unit: fc.constantFrom('a', 'Z', '0', '.', '-', '/', ' ', '\xe9', '\xff'),
      minLength: 1,
      maxLength: 140,
    });
    fc.assert(
      fc.property(
        name,
        fc.option(name, { nil: undefined }),
        fc.constantFrom(...TYPES),
        fc.record({
          mode: fc.integer({ min: 0, max: 0o177777 }),
          uid: fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constant(4_000_000_000)),
          gid: fc.integer({ min: 0, max: 3_000_000 }),
          mtimeMs: fc.oneof(fc.double({ min: 0, max: 4_102_444_800_000, noNaN: true }), fc.constant(9e15)),
          rdev: fc.integer({ min: 0, max: 0xffffff }),
        }),
        fc.oneof(fc.integer({ min: 0, max: 2 ** 33 }), fc.constant(2 ** 40)),
        fc.constantFrom('', 'root', 'a-very-long-user-name-over-31-bytes', 'j\xfcrgen'),
        (path, linkpath, type, s, size, owner) => {
          const e = entry(path, fakeStat(s), type, size, linkpath, owner);
          const block = Buffer.alloc(1536, 0xaa);
          if (!writeSimpleHeader(block, 512, e)) {
            expect(block.equals(Buffer.alloc(1536, 0xaa))).toBe(true);
            return;
          }
          expect(block.subarray(512, 1024).equals(encodeHeader(e, nsOf(s.mtimeMs)))).toBe(true);
          expect(block.subarray(0, 512).equals(Buffer.alloc(512, 0xaa))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('takes the fast path for ordinary short ASCII entries', () => {
    const stat = fakeStat({ mode: 0o100644, uid: 1000, gid: 1000, mtimeMs: 1_700_000_000_123.4, rdev: 0 });
    expect(writeSimpleHeader(Buffer.alloc(512), 0, entry('home/user/notes.txt', stat, 'File', 12345))).toBe(true);
    expect(writeSimpleHeader(Buffer.alloc(512), 0, entry(`home/${'x'.repeat(100)}`, stat, 'File', 1))).toBe(false);
    expect(writeSimpleHeader(Buffer.alloc(512), 0, entry('home/caf\xe9', stat, 'File', 1))).toBe(false);
  });

  it('declines an mtime whose whole seconds a double cannot settle (it may have been rounded up)', () => {
    for (const mtimeMs of [1_700_000_000_999.9995, 1_700_000_001_000]) {
      const stat = fakeStat({ mode: 0o100644, uid: 0, gid: 0, mtimeMs, rdev: 0 });
      expect(writeSimpleHeader(Buffer.alloc(512), 0, entry('a', stat, 'File', 1)), String(mtimeMs)).toBe(false);
    }
    // the exact time decides: 999999900 ns stays in its second
    const stat = fakeStat({ mode: 0o100644, uid: 0, gid: 0, mtimeMs: 1_700_000_001_000, rdev: 0 });
    const header = encodeHeader(entry('a', stat, 'File', 1), 1_700_000_000_999_999_900n);
    expect(header.toString('latin1', 136, 147)).toBe((1_700_000_000).toString(8));
  });
});

describe('device numbers and times', () => {
  it('splits a device number as Linux does (c 1 300 stays 1,300; large majors and minors too)', () => {
    const makedev = (major: number, minor: number): number =>
      Number(
        ((BigInt(major) & 0xfffn) << 8n) |
          ((BigInt(major) & ~0xfffn) << 32n) |
          (BigInt(minor) & 0xffn) |
          ((BigInt(minor) & ~0xffn) << 12n),
      );
    expect(deviceNumbers(makedev(1, 300))).toEqual({ major: 1, minor: 300 });
    expect(deviceNumbers(makedev(259, 65537))).toEqual({ major: 259, minor: 65537 });
    expect(deviceNumbers(makedev(8, 1))).toEqual({ major: 8, minor: 1 });
  });

  it('writes PAX times with every nanosecond, never rounded', () => {
    expect(paxTime(1_700_000_000_999_999_999n)).toBe('1700000000.999999999');
    expect(paxTime(1_700_000_000_000_000_000n)).toBe('1700000000');
    expect(paxTime(-1_500_000_000n)).toBe('-1.5');
  });
});
