// zstd on every core: each block (parallel-blocks.ts) becomes one independent zstd frame, compressed on the libuv
// thread pool by Node's zlib (one long-lived compressor per block in flight, zstd-runtime.ts), carrying its
// checksum, and preceded by an index frame holding its length (zstd-frames.ts) so verify can decompress frames in
// parallel too. Concatenated frames are standard zstd.
import { ParallelBlocks, type ParallelBlocksOptions } from './parallel-blocks.js';
import { indexFrame } from './zstd-frames.js';
import { ZstdFramer } from './zstd-runtime.js';

export interface ParallelZstdOptions extends ParallelBlocksOptions {
  level: number;
}

export class ParallelZstd extends ParallelBlocks {
  private readonly framer: ZstdFramer;

  constructor(options: ParallelZstdOptions) {
    super(options);
    this.framer = new ZstdFramer(options.level, this.blockBytes);
  }

  protected async compressBlock(parts: Buffer[]): Promise<Buffer[]> {
    const frame = await this.framer.frame(parts);
    return [indexFrame(frame.reduce((sum, part) => sum + part.length, 0)), ...frame];
  }

  protected override release(): void {
    this.framer.close();
  }
}
