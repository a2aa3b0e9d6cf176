// Gzip on every core: the input is cut into fixed-size blocks, each deflated as an independent gzip member on the
// libuv thread pool, and the members are emitted in input order (a multi-member stream is standard gzip).
import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { gzip } from 'node:zlib';

export const DEFAULT_BLOCK_SIZE = 1024 * 1024;

function gzipBlock(block: Buffer, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzip(block, { level }, (error, out) => (error ? reject(error) : resolve(out)));
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
  private readonly jobs: Promise<Buffer>[] = [];
  private blocks = 0;

  constructor(options: ParallelGzipOptions) {
    super();
    this.level = options.level;
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.inFlight = Math.max(1, options.inFlight ?? availableParallelism() + 1);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.dispatchFullBlocks()
      .then(() => callback())
      .catch((error: Error) => callback(error));
  }

  override _flush(callback: TransformCallback): void {
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
    const job = gzipBlock(block, this.level);
    job.catch(() => undefined); // surfaced in order by drain()
    this.jobs.push(job);
  }

  /** Emits finished blocks in order until at most `keep` are still in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.jobs.length > keep) {
      const out = await this.jobs[0]!;
      this.jobs.shift();
      this.push(out);
    }
  }

  private takeBlock(bytes: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const block = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return block;
  }
}
