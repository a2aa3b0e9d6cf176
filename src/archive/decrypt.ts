// Reading an age-encrypted archive back: the identity file (age-keygen's format), and a Transform that checks the
// header's MAC with age-encryption and opens the STREAM payload chunk by chunk with Node's ChaCha20-Poly1305.
// Every chunk is authenticated before its bytes go on; a changed or cut-off byte anywhere fails the stream.
import { createDecipheriv } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import type { Decrypter } from 'age-encryption';
import {
  AGE_CHUNK_BYTES,
  AGE_MAX_HEADER_BYTES,
  AGE_NONCE_BYTES,
  AGE_TAG_BYTES,
  AgeFormatError,
  parseAgeHeader,
} from './age-header.js';
import { ByteQueue } from './byte-queue.js';
import { chunkNonce, payloadKey } from './encrypt.js';

/** The environment variable that names the identity file when `--identity` is not given. */
export const IDENTITY_ENV = 'SNAPSHOTTER_AGE_IDENTITY_FILE';
export const NO_MATCHING_IDENTITY = "no identity matches this archive's recipients";
const SEALED_CHUNK = AGE_CHUNK_BYTES + AGE_TAG_BYTES;

/** The private keys of an identity file. Opaque on purpose: nothing can print them. */
export class AgeIdentity {
  readonly #decrypter: Decrypter;

  constructor(
    readonly file: string,
    decrypter: Decrypter,
  ) {
    this.#decrypter = decrypter;
  }

  /** The file key of a header, or an error that names the problem (never a key). */
  async fileKey(header: Buffer): Promise<Uint8Array> {
    try {
      return await this.#decrypter.decryptHeader(header);
    } catch (error) {
      const text = error instanceof Error ? error.message : '';
      if (/no identity matched/.test(text)) throw new AgeFormatError(`${NO_MATCHING_IDENTITY} (identity file ${this.file})`);
      if (/HMAC/.test(text)) throw new AgeFormatError("the age header's MAC does not match: the header was altered");
      throw new AgeFormatError('the age header cannot be read with this identity', { cause: error });
    }
  }

  toJSON(): string {
    return `[age identity ${this.file}]`;
  }
}

/** Reads an identity file: `AGE-SECRET-KEY-1…` lines, `#` comments and blank lines. Errors never quote a key. */
export async function readIdentityFile(path: string): Promise<AgeIdentity> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgeFormatError(`cannot read the age identity file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  // age-encryption (and its curve libraries) loads only when an identity is read: most commands never need it.
  const { Decrypter } = await import('age-encryption');
  const decrypter = new Decrypter();
  let keys = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      if (!line.startsWith('AGE-SECRET-KEY-1')) throw new Error('not an identity');
      decrypter.addIdentity(line);
      keys += 1;
    } catch {
      throw new AgeFormatError(`${path} line ${index + 1}: not an age X25519 identity (AGE-SECRET-KEY-1…, as age-keygen writes)`);
    }
  });
  if (keys === 0) throw new AgeFormatError(`${path}: no age identity in the file (AGE-SECRET-KEY-1… lines)`);
  return new AgeIdentity(path, decrypter);
}

/**
 * Decrypts an age file stream with an identity; fails on a wrong identity, an altered or a truncated file. A sealed
 * chunk inside one input buffer is opened where it lies: only a chunk spanning two inputs is copied.
 */
export class AgeDecrypt extends Transform {
  private readonly queue = new ByteQueue();
  private key: Buffer | undefined;
  private counter = 0;

  constructor(private readonly identity: AgeIdentity) {
    super({ highWaterMark: 1024 * 1024 });
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    const decipher = createDecipheriv('chacha20-poly1305', this.key!, chunkNonce(this.counter, last), {
      authTagLength: AGE_TAG_BYTES,
    });
    decipher.setAuthTag(sealed.subarray(sealed.length - AGE_TAG_BYTES));
    const plain = decipher.update(sealed.subarray(0, sealed.length - AGE_TAG_BYTES));
    try {
      decipher.final();
    } catch (error) {
      throw new AgeFormatError(`age payload chunk ${this.counter + 1} fails authentication: the archive was altered or cut off`, {
        cause: error,
      });
    }
    this.counter += 1;
    return plain;
  }

  private async readHeader(): Promise<void> {
    const start = this.queue.peek(Math.min(this.queue.length, AGE_MAX_HEADER_BYTES + 1));
    const header = parseAgeHeader(start);
    if (!header || start.length < header.length + AGE_NONCE_BYTES) return;
    const fileKey = await this.identity.fileKey(start.subarray(0, header.length));
    this.key = payloadKey(fileKey, start.subarray(header.length, header.length + AGE_NONCE_BYTES));
    this.queue.take(header.length + AGE_NONCE_BYTES);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.queue.push(chunk);
    const work = async (): Promise<void> => {
      if (!this.key) await this.readHeader();
      if (!this.key) return;
      // A full chunk is opened only once more bytes follow it: the last chunk carries the last-chunk flag.
      while (this.queue.length > SEALED_CHUNK) this.push(this.open(this.queue.take(SEALED_CHUNK), false));
    };
    work().then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.key) throw new AgeFormatError('the age header is cut off (truncated file)');
      const rest = this.queue.length;
      if (rest < AGE_TAG_BYTES) throw new AgeFormatError('the age payload is cut off (truncated file)');
      if (rest === AGE_TAG_BYTES && this.counter > 0) {
        throw new AgeFormatError('the age payload ends with an empty chunk (altered file)');
      }
      callback(null, this.open(this.queue.take(rest), true));
    } catch (error) {
      callback(error as Error);
    }
  }
}
