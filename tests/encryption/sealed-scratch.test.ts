// The spool file of a per-database pg_dump (its size must be known before its tar header) never holds the dump's
// bytes in the clear: what lies on disk is sealed with a key only the process holds, and reads back exactly,
// whole and at any offset (the completeness check reads the first and last 512 bytes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SealedScratch } from '../../src/archive/sealed-scratch.js';
import { tmpDir } from '../helpers/tmp.js';

describe('a sealed scratch file', () => {
  it('holds no plaintext on disk and reads back whole and at odd offsets', async () => {
    const text = Buffer.from('PGDMP ' + 'CREATE TABLE secret_payroll (salary int);\n'.repeat(40_000));
    const scratch = new SealedScratch(join(tmpDir(), '.db.member.tmp'));
    await scratch.write(Readable.from([text.subarray(0, 12_345), text.subarray(12_345)]));
    const onDisk = readFileSync(scratch.path);
    expect(onDisk.length).toBe(text.length);
    expect(onDisk.includes('secret_payroll')).toBe(false);
    expect(onDisk.subarray(0, 5).toString()).not.toBe('PGDMP');
    const back: Buffer[] = [];
    for await (const chunk of scratch.read()) back.push(chunk as Buffer);
    expect(Buffer.concat(back).equals(text)).toBe(true);
    for (const start of [0, 1, 15, 16, 17, text.length - 512, text.length - 3]) {
      expect((await scratch.readRange(start, 512)).equals(text.subarray(start, start + 512)), `at ${start}`).toBe(true);
    }
  });
});
