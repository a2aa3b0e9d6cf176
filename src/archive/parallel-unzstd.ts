// zstd decompression on every core for the files we write: each frame is announced by an index frame holding its
// length (zstd-frames.ts), so whole frames are cut from the input and decompressed in parallel on the libuv pool
// (content checksum checked by zstd), their output emitted in order. From the first frame without an index (any
// other zstd file) on, the rest goes through one ordinary streaming decompressor. Memory stays bounded.
import type { Transform as ZstdStream } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';
import { ByteQueue } from './byte-queue.js';
import { defaultInFlight, DEFAULT_BLOCK_SIZE } from './parallel-blocks.js';
import { INDEX_FRAME_SIZE, isZstdFrame, probeFrame } from './zstd-frames.js';
import { createZstdDecompress, zstdUnframe } from './zstd-runtime.js';

/** Largest output accepted from one frame; ours hold one block (1 MiB by default). */
const MAX_FRAME_OUTPUT = 256 * 1024 * 1024;
/** Input slice fed to the streaming decompressor at a time, to bound what one write can produce. */
const SEQUENTIAL_SLICE = 64 * 1024;

async function unframe(frame: Buffer, offset: number): Promise<Buffer> {
  try {
    if (!isZstdFrame(frame)) throw new Error('not a zstd frame');
    return await zstdUnframe(frame, MAX_FRAME_OUTPUT, DEFAULT_BLOCK_SIZE);
  } catch (error) {
    throw new Error(`zstd frame at byte ${offset}: ${(error as Error).message}`, { cause: error });
  }
}

export class ParallelUnzstd extends Transform {
  private readonly inFlight: number;
  private readonly queue = new ByteQueue();
  /** Compressed bytes consumed so far (the offset of the next frame). */
  private offset = 0;
  private readonly jobs: Promise<Buffer>[] = [];
  private sequential: ZstdStream | undefined;
  private sequentialFailed: Promise<never> | undefined;
  /** Set once an index frame was seen: from then on every frame must be one of ours, intact. */
  private indexed = false;
  /** Frames decompressed in parallel, for tests and the bench. */
  parallelFrames = 0;

  constructor(options: { inFlight?: number } = {}) {
    super({ writableHighWaterMark: 1024 * 1024 });
    this.inFlight = Math.max(1, options.inFlight ?? defaultInFlight());
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.sequential) {
      this.feedSequential(chunk).then(() => callback(), callback);
      return;
    }
    this.queue.push(chunk);
    this.cutFrames().then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.finish().then(() => callback(), callback);
  }

  /** At the end: every frame decompressed, the streaming decompressor ended, nothing left over (else: truncated). */
  private async finish(): Promise<void> {
    await this.drain(0);
    if (this.sequential) {
      const inner = this.sequential;
      await Promise.race([this.sequentialFailed, new Promise<void>((resolve) => inner.once('end', resolve).end())]);
      return;
    }
    if (this.offset === 0 && this.queue.length === 0) throw new Error('unexpected end of file: the file is empty');
    if (this.queue.length > 0) {
      throw new Error(`unexpected end of file: the zstd frame at byte ${this.offset} is incomplete (truncated file)`);
    }
  }

  /** Dispatches every complete frame queued; switches to streaming mode at a frame without an index. */
  private async cutFrames(): Promise<void> {
    for (;;) {
      const probe = this.probe();
      if (probe.kind === 'need-more') return;
      if (probe.kind === 'plain') {
        if (this.indexed) throw new Error(`the zstd index frame at byte ${this.offset} is damaged`);
        await this.drain(0);
        await this.startSequential();
        return;
      }
      this.indexed = true;
      if (this.queue.length < INDEX_FRAME_SIZE + probe.length) return;
      this.queue.take(INDEX_FRAME_SIZE);
      const offset = this.offset + INDEX_FRAME_SIZE;
      this.offset = offset + probe.length;
      const job = unframe(this.queue.take(probe.length), offset);
      job.catch(() => undefined); // surfaced in order by drain()
      this.jobs.push(job);
      this.parallelFrames += 1;
      await this.drain(this.inFlight - 1);
    }
  }

  private probe(): ReturnType<typeof probeFrame> {
    try {
      return probeFrame(this.queue.peek(INDEX_FRAME_SIZE));
    } catch (error) {
      throw new Error(`at byte ${this.offset}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Emits decompressed frames in order until at most `keep` are still in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.jobs.length > keep) {
      const out = await this.jobs[0]!;
      void this.jobs.shift(); // the awaited head, already settled
      this.push(out);
    }
  }

  /** From here on, everything goes through one streaming decompressor (a zstd stream not written by us). */
  private async startSequential(): Promise<void> {
    const inner = createZstdDecompress();
    inner.on('data', (data: Buffer) => this.push(data));
    // zlib never calls back a write that failed: every wait below races this promise
    this.sequentialFailed = new Promise((_resolve, reject) => {
      inner.once('error', (error: Error) =>
        reject(new Error(`zstd data after byte ${this.offset}: ${error.message}`, { cause: error })),
      );
    });
    this.sequentialFailed.catch(() => undefined);
    this.sequential = inner;
    for (const chunk of this.queue.takeAll()) await this.feedSequential(chunk);
  }

  /** Feeds the streaming decompressor in slices, waiting for each (or its failure). */
  private async feedSequential(chunk: Buffer): Promise<void> {
    const inner = this.sequential!;
    for (let at = 0; at < chunk.length; at += SEQUENTIAL_SLICE) {
      const slice = chunk.subarray(at, at + SEQUENTIAL_SLICE);
      await Promise.race([this.sequentialFailed, new Promise<void>((resolve) => inner.write(slice, () => resolve()))]);
    }
  }
}
