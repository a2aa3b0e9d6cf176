// Compression on every core, codec-neutral: the input is cut into fixed-size blocks, each compressed on its own
// (on the libuv thread pool) by the codec's `compressBlock`, and the results are emitted in input order. Memory is
// bounded: at most `inFlight` blocks are being compressed, and the Transform holds its input until they drain, so
// a slow consumer stops the producer. parallel-gzip.ts and parallel-zstd.ts are the two codecs.
import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';

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

export interface ParallelBlocksOptions {
  blockSize?: number;
  /** Blocks being compressed at once; bounds memory to about (inFlight + 1) × blockSize. */
  inFlight?: number;
  /**
   * Called with each input chunk once every block holding its bytes is compressed (in input order, so no block
   * still reads it): the source may reuse its memory (recycler.ts).
   */
  recycle?: (chunk: Buffer) => void;
}

interface Job {
  output: Promise<Buffer[]>;
  /** Input chunks whose last byte is in this block. */
  consumed: Buffer[];
}

export abstract class ParallelBlocks extends Transform {
  protected readonly blockBytes: number;
  private readonly inFlight: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly jobs: Job[] = [];
  private blocks = 0;
  private readonly recycle: ((chunk: Buffer) => void) | undefined;

  constructor(options: ParallelBlocksOptions) {
    super({ writableHighWaterMark: options.blockSize ?? DEFAULT_BLOCK_SIZE });
    this.blockBytes = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.inFlight = Math.max(1, options.inFlight ?? defaultInFlight());
    this.recycle = options.recycle;
  }

  /** One independent unit of output (parts written in order) for one block of input: `parts`, `bytes` in all. */
  protected abstract compressBlock(parts: Buffer[], bytes: number): Promise<Buffer[]>;

  /** Frees what the codec keeps between blocks; called once the last block is out, or on destroy. */
  protected release(): void {}

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.blockBytes) return callback();
    this.dispatchFullBlocks()
      .then(() => callback())
      .catch((error: Error) => callback(error));
  }

  override _flush(callback: TransformCallback): void {
    // An empty input still makes one (empty) unit: a gzip/zstd file of nothing is valid, a zero-byte file is not.
    if (this.pendingBytes > 0 || this.blocks === 0) this.dispatch(this.pendingBytes);
    this.drain(0)
      .then(() => callback())
      .catch((error: Error) => callback(error))
      .finally(() => this.release());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.release();
    callback(error);
  }

  private async dispatchFullBlocks(): Promise<void> {
    while (this.pendingBytes >= this.blockBytes) {
      this.dispatch(this.blockBytes);
      await this.drain(this.inFlight - 1);
    }
  }

  private dispatch(bytes: number): void {
    this.blocks += 1;
    const consumed: Buffer[] = [];
    const output = this.compressBlock(this.takeParts(bytes, consumed), bytes);
    output.catch(() => undefined); // surfaced in order by drain()
    this.jobs.push({ output, consumed });
  }

  /** Emits finished blocks in order until at most `keep` are still in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.jobs.length > keep) {
      const { output, consumed } = this.jobs[0]!;
      const parts = await output;
      void this.jobs.shift(); // the awaited head, already settled
      for (const part of parts) this.push(part);
      if (this.recycle) for (const chunk of consumed) this.recycle(chunk);
    }
  }

  /** The next `bytes` of input, as the chunks (or parts of chunks) they arrived in: no copy; `consumed` gets the chunks that end here. */
  private takeParts(bytes: number, consumed: Buffer[]): Buffer[] {
    const parts: Buffer[] = [];
    for (let taken = 0; taken < bytes;) {
      const chunk = this.pending[0]!;
      const take = Math.min(chunk.length, bytes - taken);
      parts.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      if (take === chunk.length) consumed.push(this.pending.shift()!);
      else this.pending[0] = chunk.subarray(take);
      taken += take;
    }
    this.pendingBytes -= bytes;
    return parts;
  }
}
