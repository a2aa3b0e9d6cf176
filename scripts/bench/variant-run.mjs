// One compression variant over a tree's tar stream, in its own process (so the pool size can differ):
//   variant-run.mjs TREE_DIR OUT_FILE VARIANT
// Variants: multi[:blockKiB[:inFlight]] (what snapshotter ships: independent members), single-dict[:blockKiB]
// (pigz-style single member: raw deflate blocks primed with the previous 32 KiB, Z_SYNC_FLUSH boundaries, CRC
// on the main thread), stream (one zlib gzip stream on one thread, no parallelism).
// Prints JSON: output bytes.
import { availableParallelism } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 1));
const { createWriteStream } = await import('node:fs');
const { Readable, Transform } = await import('node:stream');
const { pipeline } = await import('node:stream/promises');
const zlib = await import('node:zlib');
const { packPaths } = await import('../../dist/targets/filesystem/pack.js');
const { ParallelGzip } = await import('../../dist/archive/parallel-gzip.js');
const { HashCounter } = await import('../../dist/archive/measure.js');

const [tree, outFile, variant] = process.argv.slice(2);
const [kind, blockKiB, inFlightArg] = variant.split(':');
const blockSize = Number(blockKiB || 1024) * 1024;
const inFlight = inFlightArg ? Number(inFlightArg) : undefined;

/** pigz's scheme: one gzip member; each block deflated raw with the previous 32 KiB as dictionary. */
class SingleMemberGzip extends Transform {
  pending = [];
  pendingBytes = 0;
  jobs = [];
  previousTail = undefined;
  crc = 0;
  total = 0;
  constructor() {
    super();
    this.push(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
  }
  _transform(chunk, _e, cb) {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.cut(false).then(() => cb(), cb);
  }
  _flush(cb) {
    this.cut(true)
      .then(() => this.drain(0))
      .then(() => {
        const trailer = Buffer.alloc(8);
        trailer.writeUInt32LE(this.crc >>> 0, 0);
        trailer.writeUInt32LE(this.total % 2 ** 32, 4);
        this.push(trailer);
        cb();
      }, cb);
  }
  async cut(last) {
    while (this.pendingBytes >= blockSize || (last && this.pendingBytes >= 0 && !this.finished)) {
      const all = Buffer.concat(this.pending, this.pendingBytes);
      const block = all.subarray(0, Math.min(blockSize, all.length));
      this.pending = [all.subarray(block.length)];
      this.pendingBytes -= block.length;
      const final = last && this.pendingBytes === 0;
      this.crc = zlib.crc32(block, this.crc);
      this.total += block.length;
      const options = {
        level: 6,
        finishFlush: final ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
        chunkSize: block.length + 65536,
      };
      if (this.previousTail) options.dictionary = this.previousTail;
      this.previousTail = Buffer.from(block.subarray(Math.max(0, block.length - 32768)));
      const job = new Promise((resolve, reject) => zlib.deflateRaw(block, options, (e, out) => (e ? reject(e) : resolve(out))));
      job.catch(() => undefined);
      this.jobs.push(job);
      if (final) this.finished = true;
      await this.drain((inFlight ?? availableParallelism() + 1) - 1);
      if (final) break;
    }
  }
  async drain(keep) {
    while (this.jobs.length > keep) {
      const out = await this.jobs[0];
      this.jobs.shift();
      this.push(out);
    }
  }
}

const source = Readable.from(packPaths([tree], { exclude: () => false, warn: () => {} }, { entries: 0 }), {
  objectMode: false,
  highWaterMark: 1 << 20,
});
const gzip =
  kind === 'multi'
    ? new ParallelGzip({ level: 6, blockSize, inFlight })
    : kind === 'single-dict'
      ? new SingleMemberGzip()
      : zlib.createGzip({ level: 6 });
const hash = new HashCounter();
await pipeline(source, gzip, hash, createWriteStream(outFile));
process.stdout.write(JSON.stringify({ bytes: hash.bytes }) + '\n');
