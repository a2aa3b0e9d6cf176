// The staging buffer the packer fills: headers, small files' data and padding go into one 1 MiB buffer that is
// handed on when full, so thousands of small entries become a few large chunks (no per-entry stream overhead).
import type { BufferRecycler } from '../../archive/recycler.js';
import { BLOCK, writeSimpleHeader, type EntryMeta } from './tar-entry.js';
import { encodeHeader } from './tar-pax.js';

export const STAGE_SIZE = 1024 * 1024;

/** A size rounded up to whole tar blocks. */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

export class TarStage {
  private buffer: Buffer;
  private used = 0;
  private ready: Buffer[] = [];

  /** `buffers` hands out STAGE_SIZE buffers (reused once the compressor is done with them). */
  constructor(private readonly buffers: BufferRecycler) {
    this.buffer = buffers.take();
  }

  /** Chunks complete and ready to emit, in order; the caller yields them. */
  *drain(): Generator<Buffer> {
    while (this.ready.length > 0) yield this.ready.shift()!;
  }

  /** Ends the current chunk (before data that bypasses the stage, or at the end). */
  flush(): void {
    if (this.used === 0) return;
    this.ready.push(this.buffer.subarray(0, this.used));
    this.buffer = this.buffers.take();
    this.used = 0;
  }

  /** Stages an ordinary entry's header and returns true, or false (staging nothing) when it needs `fullHeader`. */
  simpleHeader(entry: EntryMeta): boolean {
    if (STAGE_SIZE - this.used < BLOCK) this.flush();
    if (!writeSimpleHeader(this.buffer, this.used, entry)) return false;
    this.used += BLOCK;
    return true;
  }

  /** Stages any entry's header (with PAX records where needed, `extra` ones first), given its exact mtime in ns. */
  fullHeader(entry: EntryMeta, mtimeNs: bigint, extra?: string): void {
    const encoded = encodeHeader(entry, mtimeNs, extra);
    if (encoded.length > STAGE_SIZE - this.used) this.flush();
    if (encoded.length > STAGE_SIZE) {
      this.ready.push(encoded); // a huge PAX header: emitted on its own
      return;
    }
    encoded.copy(this.buffer, this.used);
    this.used += encoded.length;
  }

  /** A window for `size` bytes of file data (size ≤ STAGE_SIZE), with room for its padding. */
  window(size: number): Buffer {
    if (STAGE_SIZE - this.used < padded(size)) this.flush();
    return this.buffer.subarray(this.used, this.used + size);
  }

  /** Takes `filled` bytes of the last window; zero-fills the rest of `size` and the tar padding after it. */
  commit(filled: number, size: number): void {
    const end = this.used + padded(size);
    this.buffer.fill(0, this.used + filled, end);
    this.used = end;
  }
}
