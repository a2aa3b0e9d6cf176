// zstd decompression on every core for the files we write: each frame is announced by an index frame holding its
// length (zstd-frames.ts), so whole frames are decompressed in parallel on the libuv pool (content checksum
// checked by zstd); any other zstd file goes through one streaming decompressor from its first frame without an
// index on (parallel-decompress.ts).
import type { Transform } from 'node:stream';
import { DEFAULT_BLOCK_SIZE } from './parallel-blocks.js';
import { ParallelDecompress, type ParallelDecompressOptions, type UnitProbe } from './parallel-decompress.js';
import { INDEX_FRAME_SIZE, isZstdFrame, probeFrame } from './zstd-frames.js';
import { createZstdDecompress, zstdUnframe } from './zstd-runtime.js';

/** Largest output accepted from one frame; ours hold one block (1 MiB by default). */
const MAX_FRAME_OUTPUT = 256 * 1024 * 1024;

export class ParallelUnzstd extends ParallelDecompress {
  constructor(options: ParallelDecompressOptions = {}) {
    super({ unit: 'zstd frame', header: 'the zstd index frame', data: 'zstd data' }, options);
  }

  protected probeUnit(): UnitProbe {
    const probe = probeFrame(this.queue.peek(INDEX_FRAME_SIZE));
    return probe.kind === 'indexed' ? { kind: 'unit', skip: INDEX_FRAME_SIZE, length: probe.length } : probe;
  }

  protected async decompressUnit(frame: Buffer): Promise<Buffer> {
    if (!isZstdFrame(frame)) throw new Error('not a zstd frame');
    return zstdUnframe(frame, MAX_FRAME_OUTPUT, DEFAULT_BLOCK_SIZE);
  }

  protected createSequential(): Transform {
    return createZstdDecompress();
  }
}
