// The age stage of the archive sink: compressed bytes in, an age v1 file out, in the same streaming pass.
// age-encryption (by age's author) makes the header: the file key wrapped for every recipient, and the MAC. The
// payload (ChaCha20-Poly1305 STREAM in 64 KiB chunks, as age-encryption.org/v1 specifies) is sealed with Node's
// own ChaCha20-Poly1305, because the pure-JS cipher is several times slower than gzip (see README, Encryption).
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { Recipient } from 'age-encryption';
import { AGE_CHUNK_BYTES, AGE_NONCE_BYTES, AGE_TAG_BYTES } from './age-header.js';
import { ByteQueue } from './byte-queue.js';

const CIPHER = 'chacha20-poly1305';

/** The 12-byte STREAM nonce: an 11-byte big-endian chunk counter, then 1 on the last chunk. */
export function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** The payload key: HKDF-SHA-256 of the file key, salted with the file's nonce, labelled "payload". */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
}

/**
 * Seals plaintext chunks into STREAM chunks; holds back one chunk so that the last one is flagged as last. A chunk
 * inside one input buffer is sealed where it lies: only a chunk spanning two inputs is copied (the old way, joining
 * every input with what was held, cost more than the cipher).
 */
class AgeEncrypt extends Transform {
  private readonly queue = new ByteQueue();
  private counter = 0;

  constructor(
    prefix: Buffer,
    private readonly key: Buffer,
  ) {
    super();
    this.push(prefix);
  }

  private seal(plain: Buffer, last: boolean): void {
    const cipher = createCipheriv(CIPHER, this.key, chunkNonce(this.counter, last), { authTagLength: AGE_TAG_BYTES });
    this.counter += 1;
    this.push(cipher.update(plain));
    cipher.final(); // a stream cipher: nothing is held back
    this.push(cipher.getAuthTag());
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.queue.push(chunk);
    // Only chunks with more bytes after them are sealed here: the final one waits for _flush.
    while (this.queue.length > AGE_CHUNK_BYTES) this.seal(this.queue.take(AGE_CHUNK_BYTES), false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.seal(this.queue.length > 0 ? this.queue.take(this.queue.length) : Buffer.alloc(0), true);
    callback();
  }
}

/** Receives the file key from age-encryption and wraps it for nobody: it adds no stanza. */
class FileKeyTap implements Recipient {
  fileKey: Uint8Array | undefined;
  wrapFileKey(fileKey: Uint8Array): [] {
    this.fileKey = fileKey;
    return [];
  }
}

/** The age stage and the file key it encrypts with (kept in memory only, for verify-after-write to read the file back). */
export interface AgeEncryption {
  stream: Transform;
  fileKey: Uint8Array;
}

/** A Transform that turns a byte stream into an age v1 file encrypted to the recipients (X25519 `age1…`). */
export async function ageEncryptStream(recipients: readonly string[]): Promise<AgeEncryption> {
  const tap = new FileKeyTap();
  const { Encrypter } = await import('age-encryption'); // loaded only when an archive is encrypted
  const encrypter = new Encrypter();
  encrypter.addRecipient(tap);
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  // An empty file is header, nonce and the 16-byte tag of its one (empty, last) chunk.
  const empty = Buffer.from(await encrypter.encrypt(new Uint8Array(0)));
  const prefix = empty.subarray(0, empty.length - AGE_TAG_BYTES);
  const nonce = prefix.subarray(prefix.length - AGE_NONCE_BYTES);
  if (!tap.fileKey) throw new Error('age: the file key was not handed to the recipients');
  const key = payloadKey(tap.fileKey, nonce);
  // The library sealed that empty chunk with its own key: opening it proves our key derivation agrees with it.
  const check = createDecipheriv(CIPHER, key, chunkNonce(0, true), { authTagLength: AGE_TAG_BYTES });
  check.setAuthTag(empty.subarray(empty.length - AGE_TAG_BYTES));
  check.final();
  return { stream: new AgeEncrypt(Buffer.from(prefix), key), fileKey: tap.fileKey };
}
