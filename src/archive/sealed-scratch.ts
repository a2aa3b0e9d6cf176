// A scratch file that must exist before its bytes can be archived (a dump whose size the tar header needs
// first) is written sealed: AES-256-CTR under a key that lives only in this process's memory, so no plaintext of
// the dump lies on disk even for the moments it is spooled, nor after a crash (the key died with the process).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FILE_MODE } from './atomic.js';

const CIPHER = 'aes-256-ctr';
const BLOCK = 16;

export class SealedScratch {
  private readonly key = randomBytes(32);
  /** The high 8 bytes are random; the low 8 count blocks from 0, so any offset can be read on its own. */
  private readonly nonce = randomBytes(8);

  constructor(readonly path: string) {}

  private counter(offset: number): Buffer {
    const iv = Buffer.alloc(BLOCK);
    this.nonce.copy(iv, 0);
    iv.writeBigUInt64BE(BigInt(Math.floor(offset / BLOCK)), 8);
    return iv;
  }

  /** Writes `source` sealed into a new file (mode 0600; fails if the path exists). */
  async write(source: Readable): Promise<void> {
    const file: Writable = createWriteStream(this.path, { flags: 'wx', mode: FILE_MODE });
    await pipeline(source, createCipheriv(CIPHER, this.key, this.counter(0)), file);
  }

  /** The plaintext, as a stream. */
  read(): Readable {
    const raw = createReadStream(this.path, { highWaterMark: 1024 * 1024 });
    const out = raw.pipe(createDecipheriv(CIPHER, this.key, this.counter(0)));
    raw.on('error', (error) => out.destroy(error));
    return out;
  }

  /** `length` plaintext bytes at `start` (fewer at the end of the file). */
  async readRange(start: number, length: number): Promise<Buffer> {
    const aligned = start - (start % BLOCK);
    const handle = await openFile(this.path, 'r');
    try {
      const raw = Buffer.alloc(length + (start - aligned));
      const { bytesRead } = await handle.read(raw, 0, raw.length, aligned);
      const unseal = createDecipheriv(CIPHER, this.key, this.counter(aligned));
      return unseal.update(raw.subarray(0, bytesRead)).subarray(start - aligned);
    } finally {
      await handle.close();
    }
  }
}
