// Chunks received but not consumed yet, read from the front: peek without consuming, take as one Buffer (a copy
// only when the bytes span several chunks).
export class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Everything queued, emptying the queue. */
  takeAll(): Buffer[] {
    const all = this.chunks;
    this.chunks = [];
    this.length = 0;
    return all;
  }

  /** The first `bytes` queued bytes (fewer if fewer are queued), without consuming them. */
  peek(bytes: number): Buffer {
    const first = this.chunks[0];
    if (!first) return Buffer.alloc(0);
    if (first.length >= bytes) return first.subarray(0, bytes);
    const parts: Buffer[] = [];
    let got = 0;
    for (const chunk of this.chunks) {
      if (got >= bytes) break;
      parts.push(chunk);
      got += chunk.length;
    }
    return Buffer.concat(parts, got).subarray(0, bytes);
  }

  /**
   * Consumes the first `bytes` queued bytes; the caller checks that that many are queued. Chunks used up are added
   * to `used` (when given); bytes that span chunks are copied into `join()`'s buffer when it is large enough.
   */
  take(bytes: number, used?: Buffer[], join?: () => Buffer): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= bytes) {
      out = first.subarray(0, bytes);
      if (first.length === bytes) this.usedUp(used);
      else this.chunks[0] = first.subarray(bytes);
    } else {
      const reused = join?.();
      out = reused !== undefined && reused.length >= bytes ? reused.subarray(0, bytes) : Buffer.allocUnsafe(bytes);
      let filled = 0;
      while (filled < bytes) {
        const chunk = this.chunks[0]!;
        const n = Math.min(chunk.length, bytes - filled);
        chunk.copy(out, filled, 0, n);
        filled += n;
        if (n === chunk.length) this.usedUp(used);
        else this.chunks[0] = chunk.subarray(n);
      }
    }
    this.length -= bytes;
    return out;
  }

  /** Drops the first chunk, all of it read, handing it to `used`. */
  private usedUp(used: Buffer[] | undefined): void {
    const chunk = this.chunks.shift()!;
    used?.push(chunk);
  }
}
