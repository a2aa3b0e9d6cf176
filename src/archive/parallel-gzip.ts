// Gzip on every core (pigz-style): the input is cut into fixed-size blocks, each deflated as an independent gzip
// member on the libuv thread pool (deflate and CRC both run there), and the members are emitted in input order.
// Each member's header records its length (gzip-members.ts) so verify can inflate members in parallel too.
// A multi-member stream is standard gzip. Memory is bounded: at most `inFlight` blocks are being deflated, and
// the Transform holds its input until they drain, so a slow consumer stops the producer.
import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { gzip } from 'node:zlib';
import { memberHeader, ZLIB_HEADER_SIZE } from './gzip-members.js';

export const DEFAULT_BLOCK_SIZE = 1024 * 1024;

/** The libuv pool size this process runs with (bin/snapshotter.js sets it before anything uses the pool). */
export function threadPoolSize(): number {
  const size = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? size : 4;
}

/** Blocks worth having in flight: every core busy plus one queued, never more than the pool has threads. */
export function defaultInFlight(): number {
  return Math.max(2, Math.min(threadPoolSize(), availableParallelism() + 1));
}

/**
 * One member: our header (with its length), then zlib's deflate data and CRC/size trailer. The output chunk size
 * covers the worst case (deflateBound), so the whole block is one round trip to the pool, not one per 16 KiB.
 */
function gzipMember(block: Buffer, level: number): Promise<Buffer[]> {
  const chunkSize = Math.max(64 * 1024, block.length + (block.length >> 12) + (block.length >> 14) + 1024);
  return new Promise((resolve, reject) => {
    gzip(block, { level, chunkSize }, (error, out) => {
      if (error) return reject(error);
      const body = out.subarray(ZLIB_HEADER_SIZE);
      resolve([memberHeader(body.length), body]);
    });
  });
}

export interface ParallelGzipOptions {
  level: number;
  blockSize?: number;
  /** Blocks being deflated at once; bounds memory to about (inFlight + 1) × blockSize. */
  inFlight?: number;
}

export class ParallelGzip extends Transform {
  private readonly level: number;
  private readonly blockSize: number;
  private readonly inFlight: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly jobs: Promise<Buffer[]>[] = [];
  private blocks = 0;

  constructor(options: ParallelGzipOptions) {
    super({ writableHighWaterMark: options.blockSize ?? DEFAULT_BLOCK_SIZE });
    this.level = options.level;
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.inFlight = Math.max(1, options.inFlight ?? defaultInFlight());
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.blockSize) return callback();
    this.dispatchFullBlocks()
      .then(() => callback())
      .catch((error: Error) => callback(error));
  }

  override _flush(callback: TransformCallback): void {
    // An empty input still makes one (empty) member: a gzip file of nothing is valid, a zero-byte file is not.
    if (this.pendingBytes > 0 || this.blocks === 0) this.dispatch(this.takeBlock(this.pendingBytes));
    this.drain(0)
      .then(() => callback())
      .catch((error: Error) => callback(error));
  }

  private async dispatchFullBlocks(): Promise<void> {
    while (this.pendingBytes >= this.blockSize) {
      this.dispatch(this.takeBlock(this.blockSize));
      await this.drain(this.inFlight - 1);
    }
  }

  private dispatch(block: Buffer): void {
    this.blocks += 1;
    const job = gzipMember(block, this.level);
    job.catch(() => undefined); // surfaced in order by drain()
    this.jobs.push(job);
  }

  /** Emits finished members in order until at most `keep` are still in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.jobs.length > keep) {
      const parts = await this.jobs[0]!;
      void this.jobs.shift(); // the awaited head, already settled
      for (const part of parts) this.push(part);
    }
  }

  /** The next `bytes` of input as one Buffer; copies only when a block spans several input chunks. */
  private takeBlock(bytes: number): Buffer {
    const first = this.pending[0];
    let block: Buffer;
    if (first && first.length >= bytes) {
      block = first.subarray(0, bytes);
      if (first.length === bytes) this.pending.shift();
      else this.pending[0] = first.subarray(bytes);
    } else {
      block = Buffer.allocUnsafe(bytes);
      let filled = 0;
      while (filled < bytes) {
        const chunk = this.pending[0]!;
        const take = Math.min(chunk.length, bytes - filled);
        chunk.copy(block, filled, 0, take);
        filled += take;
        if (take === chunk.length) this.pending.shift();
        else this.pending[0] = chunk.subarray(take);
      }
    }
    this.pendingBytes -= bytes;
    return block;
  }
}
