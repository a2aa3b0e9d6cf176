// A bounded buffer of the last bytes a child wrote to stderr: enough for an error message, never a memory risk.
import { Writable } from 'node:stream';

export const STDERR_LIMIT = 64 * 1024;

/** Keeps the last `limit` bytes written to it. */
export class BoundedTail extends Writable {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes dropped from the front. */
  dropped = 0;

  constructor(private readonly limit = STDERR_LIMIT) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length > this.limit * 2) this.compact();
    callback();
  }

  private compact(): void {
    const joined = Buffer.concat(this.chunks);
    const keep = joined.subarray(Math.max(0, joined.length - this.limit));
    this.dropped += joined.length - keep.length;
    this.chunks = [Buffer.from(keep)];
    this.length = keep.length;
  }

  text(): string {
    this.compact();
    return (this.chunks[0] ?? Buffer.alloc(0)).toString('utf8');
  }
}

/** The last lines of a stderr text, short enough for one error message. */
export function messageTail(text: string, maxLines = 20, maxChars = 4000): string {
  const lines = text.replace(/\s+$/, '').split('\n').slice(-maxLines).join('\n');
  return lines.length > maxChars ? `…${lines.slice(lines.length - maxChars)}` : lines;
}
