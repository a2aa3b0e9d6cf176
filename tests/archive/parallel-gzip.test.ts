// The parallel gzip writer and reader: any input, cut any way, comes back byte for byte through gunzip, GNU gzip
// and our own parallel reader; foreign gzip still reads; corruption fails; a slow consumer holds the producer.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParallelGunzip } from '../../src/archive/parallel-gunzip.js';
import { ParallelGzip } from '../../src/archive/parallel-gzip.js';
import { BufferRecycler } from '../../src/archive/recycler.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { tmpDir } from '../helpers/tmp.js';

const BLOCK = 4096;

async function collect(source: Readable, transform: ParallelGzip | ParallelGunzip): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(source, transform, new Writable({ write: (chunk: Buffer, _e, cb) => (parts.push(chunk), cb()) }));
  return Buffer.concat(parts);
}

/** Writes `data` in the given piece sizes (cycled) through a ParallelGzip. */
function compress(data: Buffer, pieces: number[] = [data.length || 1], blockSize = BLOCK): Promise<Buffer> {
  function* chunks(): Generator<Buffer> {
    for (let at = 0, i = 0; at < data.length; i += 1) {
      const n = Math.max(1, pieces[i % pieces.length]!);
      yield data.subarray(at, at + n);
      at += n;
    }
  }
  return collect(Readable.from(chunks()), new ParallelGzip({ level: 6, blockSize }));
}

async function decompress(gz: Buffer, chunk = 7777): Promise<{ out: Buffer; parallel: number }> {
  const gunzip = new ParallelGunzip();
  function* chunks(): Generator<Buffer> {
    for (let at = 0; at < gz.length; at += chunk) yield gz.subarray(at, at + chunk);
  }
  const out = await collect(Readable.from(chunks()), gunzip);
  return { out, parallel: gunzip.parallelUnits };
}

const text = (bytes: number): Buffer => Buffer.from('line of text 0123456789\n'.repeat(Math.ceil(bytes / 24)).slice(0, bytes));

describe('ParallelGzip → gunzip, gzip -t, ParallelGunzip', () => {
  const sizes = [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 5 * BLOCK + 17];
  it.each(sizes)('%i bytes come back identical, one member per block', async (size) => {
    const data = Buffer.concat([text(size >> 1), randomBytes(size - (size >> 1))]);
    const gz = await compress(data);
    expect(gunzipSync(gz).equals(data)).toBe(true);
    const { out, parallel } = await decompress(gz);
    expect(out.equals(data)).toBe(true);
    expect(parallel).toBe(Math.max(1, Math.ceil(size / BLOCK)));
  });

  it('input chunks are given back only once no member reads them: a reader that refills them reads the same', async () => {
    // More than the reader's input buffer (1 MiB) holds, so chunks must come back while it reads; reads of 10 000
    // bytes hold two members or so each (inflated straight from the chunk), and some members span two reads.
    const data = Buffer.concat([text(100 * BLOCK), randomBytes(1500 * BLOCK)]);
    const gz = await compress(data, [1000, 3000, 5000]);
    const READ = 10_000;
    const buffers = new BufferRecycler(READ, 4096);
    const giveBack = buffers.give.bind(buffers);
    buffers.give = (view) => {
      new Uint8Array(view.buffer).fill(0x5a); // poisoned: whatever still reads it fails
      giveBack(view);
    };
    const seen = new Set<ArrayBufferLike>();
    function* chunks(): Generator<Buffer> {
      for (let at = 0; at < gz.length; at += READ) {
        const chunk = buffers.take();
        seen.add(chunk.buffer);
        const piece = gz.subarray(at, at + READ);
        piece.copy(chunk);
        yield chunk.subarray(0, piece.length);
      }
    }
    const out = await collect(Readable.from(chunks()), new ParallelGunzip({ buffers }));
    expect(out.equals(data)).toBe(true);
    expect(seen.size).toBeLessThan(gz.length / READ / 2); // most reads went into buffers given back
  });

  it('many tiny writes and odd cuts on both sides (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 * BLOCK }),
        fc.array(fc.integer({ min: 1, max: 3 * BLOCK }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 3 * BLOCK }),
        async (size, pieces, readChunk) => {
          const data = text(size);
          const gz = await compress(data, pieces);
          expect(gunzipSync(gz).equals(data)).toBe(true);
          expect((await decompress(gz, readChunk)).out.equals(data)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('one write of a huge input (several default 1 MiB blocks) passes gzip -t and gzip -dc', async ({ skip }) => {
    if (!requireBinaries('gzip -t', { gzip: findBinary('gzip') })) skip();
    const data = Buffer.concat([text(2 * 1024 * 1024 + 3), randomBytes(1024 * 1024 - 1)]);
    const gz = await collect(Readable.from([data]), new ParallelGzip({ level: 6 }));
    const file = join(tmpDir(), 'x.gz');
    writeFileSync(file, gz);
    execFileSync('gzip', ['-t', file]);
    expect(execFileSync('gzip', ['-dc', file], { maxBuffer: 64 * 1024 * 1024 }).equals(data)).toBe(true);
    expect((await decompress(gz, 1 << 20)).parallel).toBe(4);
  });

  it('reads gzip that is not ours sequentially (zlib, GNU gzip, pigz: single and multi-member)', async ({ skip }) => {
    if (!requireBinaries('foreign gzip', { gzip: findBinary('gzip'), pigz: findBinary('pigz') })) skip();
    const data = text(3 * BLOCK + 5);
    const foreign = gzipSync(data);
    const twice = await decompress(Buffer.concat([foreign, foreign]), 1000);
    expect(twice.out.equals(Buffer.concat([data, data]))).toBe(true);
    expect(twice.parallel).toBe(0);
    for (const tool of ['gzip', 'pigz']) {
      const gz = execFileSync(tool, ['-6', '-c'], { input: data });
      expect((await decompress(gz)).out.equals(data)).toBe(true);
    }
  });

  it('once a member of ours was read, every later member must be ours and intact', async () => {
    const data = text(3 * BLOCK + 5);
    const mixed = Buffer.concat([await compress(data), gzipSync(data)]);
    await expect(decompress(mixed)).rejects.toThrow(/header at byte \d+ is damaged/);
  });

  it('fails every single flipped byte, headers included (gzip CRCs do not cover headers)', async () => {
    const gz = await compress(text(3 * BLOCK));
    for (let at = 0; at < gz.length; at += 1) {
      const flipped = Buffer.from(gz);
      flipped[at]! ^= 0x04;
      await expect(decompress(flipped), `byte ${at}`).rejects.toThrow();
    }
  });

  it('fails a flipped byte, a truncation, an impossible member length and an empty file', async () => {
    const data = text(4 * BLOCK);
    const gz = await compress(data);
    const flipped = Buffer.from(gz);
    flipped[Math.floor(gz.length / 2)]! ^= 0x01;
    await expect(decompress(flipped)).rejects.toThrow();
    await expect(decompress(gz.subarray(0, gz.length - 3))).rejects.toThrow(/unexpected end|truncated/);
    const badLength = Buffer.from(gz);
    badLength.writeUInt32LE(0xffffffff, 16);
    await expect(decompress(badLength)).rejects.toThrow(/impossible length/);
    await expect(decompress(Buffer.alloc(0))).rejects.toThrow(/empty/);
  });

  it('a slow consumer holds the producer back (bounded buffering)', async () => {
    const blockSize = 64 * 1024;
    const total = 16 * 1024 * 1024;
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const source = new Readable({
      read() {
        produced += blockSize;
        this.push(produced > total ? null : randomBytes(blockSize));
      },
    });
    const slow = new Writable({
      highWaterMark: blockSize,
      write(chunk: Buffer, _e, cb) {
        consumed += chunk.length;
        maxAhead = Math.max(maxAhead, produced - consumed);
        setTimeout(cb, 1);
      },
    });
    await pipeline(source, new ParallelGzip({ level: 1, blockSize, inFlight: 3 }), slow);
    // random data does not compress: what was produced but not consumed sits in buffers
    expect(consumed).toBeGreaterThan(total);
    expect(maxAhead).toBeLessThan(16 * blockSize);
  });
});
