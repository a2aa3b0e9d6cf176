// Verify-after-write for an encrypted archive on a server that holds no identity: the plaintext (compressed)
// stream is checked as it is produced, on its way into the age stage, and the encrypted file is checked after it
// is written (its checksum and its age header). Nothing plaintext is ever read back from disk, because none is there.
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readAgeHeader } from './age-header.js';
import { codecOf, decompressorFor } from './codec.js';
import type { ContentCheck } from './content-check.js';
import { ByteCounter } from './measure.js';
import type { ArchiveExt } from './names.js';
import { hashOf } from './verify-encrypted.js';

export interface PlaintextResult {
  uncompressed_bytes: number;
  entries: number | null;
}

/** Passes compressed bytes on unchanged while a second reader inflates them and walks their content. */
export class PlaintextCheck extends Transform {
  private readonly input = new PassThrough();
  private readonly done: Promise<PlaintextResult>;

  /** `content` is the format's check (the target's, or the tar walk); it is closed once the stream is judged. */
  constructor(ext: ArchiveExt, content: ContentCheck) {
    super();
    const inflated = new ByteCounter();
    this.done = pipeline(this.input, decompressorFor(codecOf(ext)), inflated, content.sink)
      .then(async () => ({ uncompressed_bytes: inflated.bytes, entries: await content.result() }))
      .finally(() => content.close?.());
    this.done.catch((error: unknown) =>
      this.destroy(new Error(`verify after write: ${(error as Error).message}`, { cause: error })),
    );
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.input.write(chunk)) callback(null, chunk);
    else this.input.once('drain', () => callback(null, chunk));
  }

  override _flush(callback: TransformCallback): void {
    this.input.end();
    this.done.then(
      () => callback(),
      () => undefined,
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.input.destroy();
    callback(error);
  }

  result(): Promise<PlaintextResult> {
    return this.done;
  }
}

/** After the encrypted file is written: it hashes to what was written, and its age header reads back whole. */
export async function checkEncryptedWrite(
  path: string,
  written: { sha256: string; bytes: number },
  expected: { read: number; entries: number | null },
  plaintext: PlaintextResult,
): Promise<void> {
  const onDisk = await hashOf(path);
  if (onDisk.sha256 !== written.sha256 || onDisk.bytes !== written.bytes) {
    throw new Error('verify after write: the file on disk differs from what was written');
  }
  await readAgeHeader(path).catch((error: unknown) => {
    throw new Error(`verify after write: ${(error as Error).message}`, { cause: error });
  });
  if (plaintext.uncompressed_bytes !== expected.read) {
    throw new Error(`verify after write: ${plaintext.uncompressed_bytes} bytes decompressed, ${expected.read} were written`);
  }
  if (expected.entries !== null && plaintext.entries !== expected.entries) {
    throw new Error(`verify after write: ${plaintext.entries} tar entries read back, ${expected.entries} were written`);
  }
}
