// The age v1 header (age-encryption.org/v1): the version line, one stanza per recipient, the MAC line; a 16-byte
// nonce and the STREAM payload follow. Read without any key, so `verify` can check an archive on the server.
import { open } from 'node:fs/promises';

export const AGE_VERSION_LINE = 'age-encryption.org/v1';
export const AGE_NONCE_BYTES = 16;
export const AGE_CHUNK_BYTES = 64 * 1024;
export const AGE_TAG_BYTES = 16;
/** Far more than any header of ours needs; a file without a MAC line by then is not an age file. */
export const AGE_MAX_HEADER_BYTES = 64 * 1024;

/** A file that is not (or no longer) a well-formed age file. */
export class AgeFormatError extends Error {
  override readonly name = 'AgeFormatError';
}

export interface AgeHeader {
  /** The type of each recipient stanza (`X25519` for the keys snapshotter encrypts to). */
  stanzas: string[];
  /** Bytes up to and including the MAC line. */
  length: number;
}

const BASE64_LINE = /^[A-Za-z0-9+/]*$/;
const MAC_LINE = /^--- [A-Za-z0-9+/]{43}$/;

/** Parses the header at the start of `bytes`: undefined while more bytes are needed, throws when malformed. */
export function parseAgeHeader(bytes: Buffer): AgeHeader | undefined {
  const stanzas: string[] = [];
  let offset = 0;
  let inBody = false;
  for (let lineNo = 1; ; lineNo += 1) {
    const end = bytes.indexOf(0x0a, offset);
    if (end < 0) {
      if (bytes.length > AGE_MAX_HEADER_BYTES) throw new AgeFormatError('no age header: no MAC line in the first 64 KiB');
      return undefined;
    }
    const line = bytes.subarray(offset, end).toString('latin1');
    offset = end + 1;
    if (lineNo === 1) {
      if (line !== AGE_VERSION_LINE) throw new AgeFormatError(`not an age file: the first line is not "${AGE_VERSION_LINE}"`);
    } else if (inBody) {
      if (line.length > 64 || !BASE64_LINE.test(line)) throw new AgeFormatError(`age header line ${lineNo}: bad stanza body`);
      inBody = line.length === 64;
    } else if (line.startsWith('-> ')) {
      const args = line.slice(3).split(' ');
      if (args.some((a) => a === '')) throw new AgeFormatError(`age header line ${lineNo}: bad recipient stanza`);
      stanzas.push(args[0]!);
      inBody = true;
    } else if (line.startsWith('---')) {
      if (!MAC_LINE.test(line)) throw new AgeFormatError(`age header line ${lineNo}: bad MAC line`);
      if (stanzas.length === 0) throw new AgeFormatError('age header: no recipient stanza');
      return { stanzas, length: offset };
    } else throw new AgeFormatError(`age header line ${lineNo}: neither a recipient stanza nor the MAC line`);
  }
}

/** Whether a STREAM payload of this many bytes can be whole: full chunks, then a last chunk of at least its tag. */
export function payloadSizeProblem(bytes: number): string | undefined {
  if (bytes < AGE_TAG_BYTES) return `the payload has ${bytes} bytes, less than one chunk's tag (truncated)`;
  const last = bytes % (AGE_CHUNK_BYTES + AGE_TAG_BYTES);
  if (bytes > AGE_TAG_BYTES && last > 0 && last <= AGE_TAG_BYTES) return 'the payload ends inside a chunk tag (truncated)';
  return undefined;
}

/** Reads and checks the header of an age file, and that the payload after it has a possible length. */
export async function readAgeHeader(path: string): Promise<AgeHeader> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.min(size, AGE_MAX_HEADER_BYTES + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const header = parseAgeHeader(buffer.subarray(0, bytesRead));
    if (!header) throw new AgeFormatError('the age header is cut off (truncated file)');
    const problem = payloadSizeProblem(size - header.length - AGE_NONCE_BYTES);
    if (problem) throw new AgeFormatError(problem);
    return header;
  } finally {
    await handle.close();
  }
}
