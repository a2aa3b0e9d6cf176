// Gzip on every core (pigz-style): each block (parallel-blocks.ts) is deflated as an independent gzip member on the
// libuv thread pool (deflate and CRC both run there). Each member's header records its length (gzip-members.ts)
// so verify can inflate members in parallel too. A multi-member stream is standard gzip.
import { gzip } from 'node:zlib';
import { memberHeader, ZLIB_HEADER_SIZE } from './gzip-members.js';
import { ParallelBlocks, type ParallelBlocksOptions } from './parallel-blocks.js';

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

  constructor(options: ParallelGzipOptions) {
    super(options);
    this.level = options.level;
  }

  protected compressBlock(parts: Buffer[], bytes: number): Promise<Buffer[]> {
    return gzipMember(parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes), this.level);
  }
}
