// What can be checked of an age-encrypted archive without its identity (on the server, which holds only public
// keys): the file's checksum, its age header (version line, recipient stanzas, MAC line) and a payload length that
// a whole file can have, and that the manifest records the encryption with as many recipients as the header has.
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readAgeHeader } from './age-header.js';
import type { Manifest } from './manifest.js';
import { HashCounter } from './measure.js';

/** sha256 and length of a file, read once. */
export async function hashOf(path: string, signal?: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  const hasher = new HashCounter();
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), hasher, discard, { signal });
  return { sha256: hasher.sha256, bytes: hasher.bytes };
}

/** Checksum and age header of an encrypted archive; the content stays unread (uncompressed bytes, entries: null). */
export async function checkWithoutIdentity(
  path: string,
  signal?: AbortSignal,
): Promise<{ sha256: string; size_bytes: number; uncompressed_bytes: null; entries: null }> {
  const { sha256, bytes } = await hashOf(path, signal);
  await readAgeHeader(path);
  return { sha256, size_bytes: bytes, uncompressed_bytes: null, entries: null };
}

/** The manifest of an encrypted archive records age and one recipient per X25519 stanza of the header. */
export async function checkAgeManifest(path: string, manifest: Manifest): Promise<string[]> {
  const encryption = manifest.encryption;
  if (!encryption) return ['manifest: records no encryption, but the archive name ends in .age'];
  if (encryption.format !== 'age') return [`manifest: encryption format ${encryption.format}, not age`];
  const header = await readAgeHeader(path).catch(() => undefined);
  if (!header) return []; // already reported as a content problem
  const x25519 = header.stanzas.filter((type) => type === 'X25519').length;
  return x25519 === encryption.recipients.length
    ? []
    : [`manifest: ${encryption.recipients.length} recipients, but the age header has ${x25519} X25519 stanzas`];
}
