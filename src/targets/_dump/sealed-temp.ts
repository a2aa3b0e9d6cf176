// A temporary file that holds only ciphertext: a dump that must be whole before it can be packed (a tar header
// carries its member's size) waits on disk sealed with AES-256-CTR under a random key that exists only in this
// process's memory, so no plaintext byte of a database touches the disk, whether or not the archive is encrypted
// (DESIGN §12), and a copy left by a crash is unreadable. CTR because a part of the file (the completeness check
// reads its first and last bytes) can be opened at any offset; OpenSSL runs it at several GB/s. Integrity is not
// its job: the member is checked whole when it is packed, and the archive by verify-after-write.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FILE_MODE } from '../../archive/atomic.js';

const CIPHER = 'aes-256-ctr';
const BLOCK = 16;

export class SealedTemp {
  private readonly key = randomBytes(32);
  private readonly iv = randomBytes(BLOCK);

  constructor(readonly path: string) {}

  /** The counter block for the cipher block that holds byte `offset` (the 128-bit counter wraps as OpenSSL's does). */
  private counterAt(offset: number): Buffer {
    const value = (BigInt(`0x${this.iv.toString('hex')}`) + BigInt(Math.floor(offset / BLOCK))) % (1n << 128n);
    return Buffer.from(value.toString(16).padStart(BLOCK * 2, '0'), 'hex');
  }

  private decipherAt(offset: number) {
    const decipher = createDecipheriv(CIPHER, this.key, this.counterAt(offset));
    decipher.update(Buffer.alloc(offset % BLOCK)); // the bytes of that block before `offset`
    return decipher;
  }

  /** Writes `source` sealed into a new file (refuses to overwrite one). */
  async write(source: Readable): Promise<void> {
    await pipeline(
      source,
      createCipheriv(CIPHER, this.key, this.iv),
      createWriteStream(this.path, { flags: 'wx', mode: FILE_MODE }),
    );
  }

  /** The plaintext of the whole file, as a stream. */
  read(highWaterMark = 1024 * 1024): Readable {
    const file = createReadStream(this.path, { highWaterMark });
    const plain = createDecipheriv(CIPHER, this.key, this.iv);
    file.on('error', (error) => plain.destroy(error));
    return file.pipe(plain);
  }

  /** `length` plaintext bytes from `offset` (fewer at the end of the file). */
  async readAt(offset: number, length: number): Promise<Buffer> {
    const handle = await open(this.path, 'r');
    try {
      const sealed = Buffer.alloc(length);
      const { bytesRead } = await handle.read(sealed, 0, length, offset);
      return this.decipherAt(offset).update(sealed.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  }
}
