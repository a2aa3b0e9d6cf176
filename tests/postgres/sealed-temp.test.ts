// The sealed temporary file a per-database dump waits in: nothing of the plaintext is on disk, and what is read
// back (whole, or any range, as the completeness check reads the first and last bytes) is the plaintext exactly.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SealedTemp } from '../../src/targets/_dump/sealed-temp.js';
import { tmpDir } from '../helpers/tmp.js';

describe('SealedTemp', () => {
  it('stores ciphertext only and reads back the plaintext, whole and from any offset', async () => {
    const line = Buffer.from('CREATE TABLE people (id int PRIMARY KEY, name text);\n');
    const plain = Buffer.concat([Buffer.from('PGDMP'), ...Array.from({ length: 40_000 }, () => line), randomBytes(777)]);
    const temp = new SealedTemp(join(tmpDir(), 'member'));
    await temp.write(Readable.from([plain.subarray(0, 100_003), plain.subarray(100_003)]));

    const onDisk = readFileSync(temp.path);
    expect(onDisk.length).toBe(plain.length);
    expect(onDisk.includes('PGDMP')).toBe(false);
    expect(onDisk.includes('CREATE TABLE')).toBe(false);
    expect((await buffer(temp.read(64 * 1024))).equals(plain)).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.nat(plain.length), fc.nat(600), async (offset, length) => {
        const got = await temp.readAt(offset, length);
        expect(got.equals(plain.subarray(offset, offset + length))).toBe(true);
      }),
      { numRuns: 200 },
    );
    // Another SealedTemp (another run) cannot read it: the key never left the process that wrote it.
    const stranger = new SealedTemp(temp.path);
    expect((await stranger.readAt(0, 5)).toString('latin1')).not.toBe('PGDMP');
  });

  it('refuses to overwrite a file that is already there', async () => {
    const temp = new SealedTemp(join(tmpDir(), 'member'));
    await temp.write(Readable.from([Buffer.from('one')]));
    await expect(temp.write(Readable.from([Buffer.from('two')]))).rejects.toThrow(/EEXIST/);
  });
});
