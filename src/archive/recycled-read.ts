// A file read as a stream of chunks that come from a BufferRecycler (recycler.ts): whoever reads the last byte of a
// chunk may give it back (parallel-decompress.ts does, once the unit that read it is out), and the next read fills
// it again. Reading an archive then touches a few MiB of memory instead of a fresh MiB per MiB read.
import { close, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import type { BufferRecycler } from './recycler.js';

export class RecycledFileStream extends Readable {
  private fd: number | undefined;
  private position = 0;

  constructor(
    private readonly path: string,
    private readonly buffers: BufferRecycler,
  ) {
    super({ highWaterMark: buffers.size });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'r', (error, fd) => {
      this.fd = fd;
      callback(error);
    });
  }

  override _read(): void {
    const buffer = this.buffers.take();
    read(this.fd!, buffer, 0, buffer.length, this.position, (error, bytes) => {
      if (error) return this.destroy(error);
      if (bytes === 0) {
        this.buffers.give(buffer);
        return this.push(null);
      }
      this.position += bytes;
      this.push(buffer.subarray(0, bytes));
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.fd === undefined) return callback(error);
    close(this.fd, (closeError) => callback(error ?? closeError));
  }
}
