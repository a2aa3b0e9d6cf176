// zstd on every core: each block (parallel-blocks.ts) becomes one independent zstd frame, compressed on the libuv
// thread pool by Node's zlib, carrying its content size and checksum, and preceded by an index frame holding its
// length (zstd-frames.ts) so verify can decompress frames in parallel too. Concatenated frames are standard zstd.
import { ParallelBlocks, type ParallelBlocksOptions } from './parallel-blocks.js';
import { indexFrame } from './zstd-frames.js';
import { zstdFrame } from './zstd-runtime.js';

export interface ParallelZstdOptions extends ParallelBlocksOptions {
  level: number;
}

export class ParallelZstd extends ParallelBlocks {
  private readonly level: number;

  constructor(options: ParallelZstdOptions) {
    super(options);
    this.level = options.level;
  }

  protected async compressBlock(parts: Buffer[], bytes: number): Promise<Buffer[]> {
    const frame = await zstdFrame(parts, bytes, this.level);
    return [indexFrame(frame.length), frame];
  }
}
