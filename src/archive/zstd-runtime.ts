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

/** One zstd frame of `parts` (`bytes` in all) with its content size and checksum (so `zstd -t` and we catch a flipped bit). */
export function zstdFrame(parts: readonly Buffer[], bytes: number, level: number): Promise<Buffer> {
  const z = zstd();
  const params = {
    [z.constants.ZSTD_c_compressionLevel!]: level,
    [z.constants.ZSTD_c_checksumFlag!]: 1,
    [z.constants.ZSTD_c_contentSizeFlag!]: 1,
  };
  const chunkSize = Math.max(64 * 1024, bytes + (bytes >> 7) + 1024);
  return oneShot(z.createZstdCompress({ params, pledgedSrcSize: bytes, chunkSize }), parts).then(withoutEmptyFrame);
}

/**
 * The empty frame (with checksum) that Node's zstd stream appends when it is ended after its last chunk already
 * ended the frame. Dropped, so that each unit of ours is exactly one frame: Node's decompressor stops after the
 * first frame of its input and ignores what follows, so a second frame in a unit would go unchecked by verify.
 */
const EMPTY_FRAME = Buffer.from('28b52ffd240001000099e9d851', 'hex');

function withoutEmptyFrame(out: Buffer): Buffer {
  const end = out.length - EMPTY_FRAME.length;
  return end > 0 && out.subarray(end).equals(EMPTY_FRAME) ? out.subarray(0, end) : out;
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
