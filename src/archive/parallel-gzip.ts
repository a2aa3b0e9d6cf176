// Gzip on every core (pigz-style): each block (parallel-blocks.ts) is deflated as an independent gzip member on the
// libuv thread pool (deflate and CRC both run there). Each member's header records its length (gzip-members.ts)
// so verify can inflate members in parallel too. A multi-member stream is standard gzip.
import { gzip } from 'node:zlib';
import { memberHeader, ZLIB_HEADER_SIZE } from './gzip-members.js';
import { ParallelBlocks, type ParallelBlocksOptions } from './parallel-blocks.js';
import { BufferRecycler } from './recycler.js';

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

export interface ParallelGzipOptions extends ParallelBlocksOptions {
  level: number;
}

export class ParallelGzip extends ParallelBlocks {
  private readonly level: number;
  /** zlib's one-shot deflate takes one buffer: a block that arrived in pieces is joined into a reused one. */
  private readonly joins: BufferRecycler;

  constructor(options: ParallelGzipOptions) {
    super(options);
    this.level = options.level;
    this.joins = new BufferRecycler(this.blockBytes);
  }

  protected async compressBlock(parts: Buffer[], bytes: number): Promise<Buffer[]> {
    if (parts.length === 1) return gzipMember(parts[0]!, this.level);
    const block = this.joins.take().subarray(0, bytes);
    let at = 0;
    for (const part of parts) at += part.copy(block, at);
    try {
      return await gzipMember(block, this.level);
    } finally {
      this.joins.give(block);
    }
  }
}
