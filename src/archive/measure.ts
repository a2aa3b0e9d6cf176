// Pass-through streams that measure what flows: byte counts, a sha256 of the bytes, the last bytes seen.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Counts bytes and reports them to an optional progress callback. */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly onBytes?: (total: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }
}

/** Hashes (sha256) and counts the bytes that pass. */
export class HashCounter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private hex: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  get sha256(): string {
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }
}

/** Keeps the last `size` bytes that passed (for checks such as a dump's closing line). */
export class TailKeeper extends Transform {
  private tail = Buffer.alloc(0);

  constructor(private readonly size = 4096) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const joined = chunk.length >= this.size ? chunk : Buffer.concat([this.tail, chunk]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - this.size)));
    callback(null, chunk);
  }

  text(): string {
    return this.tail.toString('utf8');
  }

  bytes(): Buffer {
    return this.tail;
  }
}
