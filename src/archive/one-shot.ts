// A whole input through a fresh zlib stream (gzip, zstd), on the libuv pool. Unlike zlib's buffer helpers
// (zstdDecompress(buf, cb)...), which copy their input parts into one Buffer and their output into another, the
// parts are written as they are and the output comes back as it was produced: the stream writes successive
// outputs side by side in its output chunk, so they are joined as one view of it, without a copy. Fewer fresh
// buffers per block means less garbage waiting for V8 to collect it: a lower peak RSS.
import type { Transform } from 'node:stream';

/** `parts` as one Buffer, viewing their memory when they lie side by side in one allocation (else a copy). */
function join(parts: Buffer[], bytes: number): Buffer {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0];
  let end = first ? first.byteOffset : 0;
  const adjacent = parts.every((p) => p.buffer === first!.buffer && p.byteOffset === end && ((end += p.length), true));
  return adjacent && first ? Buffer.from(first.buffer, first.byteOffset, bytes) : Buffer.concat(parts, bytes);
}

/** Runs `input` through `engine` to its end; refuses (and stops) an output larger than `maxOutput` bytes. */
export function oneShot(engine: Transform, input: readonly Buffer[], maxOutput = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let bytes = 0;
    engine.on('data', (part: Buffer) => {
      bytes += part.length;
      if (bytes > maxOutput) engine.destroy(new Error(`the output is larger than ${maxOutput} bytes`));
      else parts.push(part);
    });
    engine.once('error', reject);
    engine.once('end', () => resolve(join(parts, bytes)));
    for (const part of input) engine.write(part);
    engine.end();
  });
}
