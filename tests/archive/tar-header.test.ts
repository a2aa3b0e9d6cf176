// The packer's fast ustar header path writes exactly the bytes node-tar's encoder writes, and declines (writing
// nothing) whenever the entry needs a prefix or a PAX header.
import type { Stats } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHeader, writeSimpleHeader, type EntryType } from '../../src/targets/filesystem/tar-entry.js';

const TYPES: EntryType[] = ['File', 'Directory', 'SymbolicLink', 'Link', 'FIFO', 'CharacterDevice', 'BlockDevice'];

function fakeStat(s: { mode: number; uid: number; gid: number; mtimeMs: number; rdev: number }): Stats {
  return { ...s, mtime: new Date(Math.round(s.mtimeMs)) } as unknown as Stats;
}

describe('writeSimpleHeader', () => {
  it('equals node-tar byte for byte, or declines (property)', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '.', '-', '/', ' ', 'é', '日'), minLength: 1, maxLength: 140 });
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
        (path, linkpath, type, s, size) => {
          const stat = fakeStat(s);
          const block = Buffer.alloc(1536, 0xaa);
          const written = writeSimpleHeader(block, 512, path, stat, type, size, linkpath);
          if (!written) {
            expect(block.equals(Buffer.alloc(1536, 0xaa))).toBe(true);
            return;
          }
          expect(block.subarray(512, 1024).equals(encodeHeader(path, stat, type, size, linkpath))).toBe(true);
          expect(block.subarray(0, 512).equals(Buffer.alloc(512, 0xaa))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('takes the fast path for ordinary short ASCII entries', () => {
    const stat = fakeStat({ mode: 0o100644, uid: 1000, gid: 1000, mtimeMs: 1_700_000_000_123.4, rdev: 0 });
    expect(writeSimpleHeader(Buffer.alloc(512), 0, 'home/user/notes.txt', stat, 'File', 12345)).toBe(true);
    expect(writeSimpleHeader(Buffer.alloc(512), 0, `home/${'x'.repeat(100)}`, stat, 'File', 1)).toBe(false);
    expect(writeSimpleHeader(Buffer.alloc(512), 0, 'home/ünïcode', stat, 'File', 1)).toBe(false);
  });
});
