// Verify-after-write for an encrypted archive on a server that holds no identity: the writer still holds the file
// key it just encrypted with (in memory only), so the written file is read back like any other archive — its
// checksum, its age header (structure and MAC), every payload chunk opened and authenticated, then the full
// decompression and content check. Nothing plaintext is written anywhere: the plaintext only flows through memory.
import type { Identity } from 'age-encryption';
import { AgeFormatError, readAgeHeader } from './age-header.js';
import { AgeIdentity } from './decrypt.js';

/** Hands the writer's own file key to age-encryption's header check, which then verifies the header's MAC with it. */
class WriterKey implements Identity {
  constructor(private readonly fileKey: Uint8Array) {}
  unwrapFileKey(): Uint8Array {
    return this.fileKey;
  }
}

/** An identity that opens exactly the file just written with `fileKey` (no private key involved). */
export async function writerIdentity(fileKey: Uint8Array): Promise<AgeIdentity> {
  const { Decrypter } = await import('age-encryption'); // loaded only when an archive is encrypted
  const decrypter = new Decrypter();
  decrypter.addIdentity(new WriterKey(fileKey));
  return new AgeIdentity('(the file key this run encrypted with)', decrypter);
}

/** The written file's age header reads back whole, with a payload length a whole file can have. */
export async function checkWrittenHeader(path: string): Promise<void> {
  await readAgeHeader(path).catch((error: unknown) => {
    throw new AgeFormatError(`verify after write: ${(error as Error).message}`, { cause: error });
  });
}
