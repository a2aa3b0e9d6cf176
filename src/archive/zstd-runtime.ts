// zstd from Node's own zlib (22.15 and newer): the few functions we use, typed here because the runtime we build
// against may not declare them, and a check that says which Node.js version runs when zstd is missing.
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { oneShot } from './one-shot.js';

export const ZSTD_MIN_NODE = '22.15';

interface ZstdOptions {
  params?: Record<number, number>;
  pledgedSrcSize?: number;
  maxOutputLength?: number;
  chunkSize?: number;
}
interface ZstdZlib {
  createZstdCompress(options?: ZstdOptions): Transform;
  createZstdDecompress(options?: ZstdOptions): Transform;
  constants: Record<string, number>;
}

const runtime = zlib as unknown as Partial<ZstdZlib>;

/** True when this Node.js has zstd in zlib. */
export function hasZstd(): boolean {
  return typeof runtime.createZstdCompress === 'function' && typeof runtime.createZstdDecompress === 'function';
}

/** What a user is told when zstd is asked for on a runtime without it. */
export function zstdMissingMessage(): string {
  return `zstd needs Node.js ${ZSTD_MIN_NODE} or newer; this is Node.js ${process.versions.node}`;
}

function zstd(): ZstdZlib {
  if (!hasZstd()) throw new Error(zstdMissingMessage());
  return runtime as ZstdZlib;
}

/**
 * Makes zstd frames with one long-lived compressor per block in flight. A fresh context per frame (zstd's tables
 * and window, ~2 MiB at level 3, which Node reports to V8 as external memory) made V8 run a full mark-compact every
 * few frames, and each new context's memory had to be faulted in again. Each frame has a checksum (so `zstd -t`
 * and we catch a flipped bit) and a window no larger than a block; it does not record its content size (zstd
 * pledges a size to the first frame of a stream only).
 */
export class ZstdFramer {
  private readonly idle: ZstdEncoder[] = [];
  private readonly all = new Set<ZstdEncoder>();

  constructor(
    private readonly level: number,
    private readonly blockSize: number,
  ) {}

  /** One frame of `parts`, as the pieces the compressor wrote it in. */
  async frame(parts: readonly Buffer[]): Promise<Buffer[]> {
    const encoder = this.idle.pop() ?? this.open();
    try {
      const out = await encoder.frame(parts);
      this.idle.push(encoder);
      return out;
    } catch (error) {
      this.all.delete(encoder);
      encoder.close();
      throw error;
    }
  }

  /** Frees every compressor (at the end of the stream, or when it is destroyed). */
  close(): void {
    for (const encoder of this.all) encoder.close();
    this.all.clear();
    this.idle.length = 0;
  }

  private open(): ZstdEncoder {
    const encoder = new ZstdEncoder(this.level, this.blockSize);
    this.all.add(encoder);
    return encoder;
  }
}

/** The smallest window (2^10 … 2^27) that holds a whole block: a frame never looks further back. */
function windowLogFor(blockSize: number): number {
  return Math.min(27, Math.max(10, Math.ceil(Math.log2(Math.max(1, blockSize)))));
}

type FlushableTransform = Transform & { flush(kind: number, callback: (error?: Error | null) => void): void };

class ZstdEncoder {
  private readonly stream: FlushableTransform;
  private readonly endFrame: number;
  private out: Buffer[] = [];
  private failed: ((error: Error) => void) | undefined;

  constructor(level: number, blockSize: number) {
    const z = zstd();
    const params = {
      [z.constants.ZSTD_c_compressionLevel!]: level,
      [z.constants.ZSTD_c_checksumFlag!]: 1,
      [z.constants.ZSTD_c_windowLog!]: windowLogFor(blockSize),
    };
    this.endFrame = z.constants.ZSTD_e_end!;
    // Frames are written side by side into one output chunk until it is full: a frame is one or two views of it.
    const chunkSize = Math.max(64 * 1024, blockSize + (blockSize >> 7) + 1024);
    this.stream = z.createZstdCompress({ params, chunkSize }) as FlushableTransform;
    this.stream.on('data', (part: Buffer) => this.out.push(part));
    this.stream.on('error', (error: Error) => this.failed?.(error));
  }

  /** Compresses `parts` and ends the frame; resolves once zstd has written all of it. */
  frame(parts: readonly Buffer[]): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      this.failed = reject;
      for (const part of parts) this.stream.write(part);
      this.stream.flush(this.endFrame, (error) => {
        const out = this.out;
        this.out = [];
        this.failed = undefined;
        if (error) reject(error);
        else resolve(out);
      });
    });
  }

  close(): void {
    this.stream.destroy();
  }
}

/** Decompresses one whole frame; `maxOutput` refuses a frame that inflates past what we ever write. */
export function zstdUnframe(frame: Buffer, maxOutput: number, expected: number): Promise<Buffer> {
  const z = zstd();
  const chunkSize = Math.min(maxOutput, Math.max(64 * 1024, expected + 1));
  return oneShot(z.createZstdDecompress({ chunkSize }), [frame], maxOutput);
}

/** A streaming zstd decompressor (for zstd data not cut into our indexed frames). */
export function createZstdDecompress(): Transform {
  return zstd().createZstdDecompress({ chunkSize: 64 * 1024 });
}
