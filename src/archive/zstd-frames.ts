// The zstd frames we write are each preceded by a 12-byte skippable frame (RFC 8878 §3.1.2) whose payload is the
// length of the zstd frame that follows, so a reader finds every frame boundary without decompressing and can
// decompress frames in parallel. `zstd -d`, `zstd -t` and `tar --zstd` skip skippable frames: the file stays
// plain zstd.

/** Skippable frame magic 0x184D2A5E (one of the 16 the format reserves for user data). */
const INDEX_MAGIC = 0x184d2a5e;
export const INDEX_FRAME_SIZE = 12;
/** A frame longer than this is not one of ours: refuse rather than buffer it. */
export const MAX_FRAME_SIZE = 64 * 1024 * 1024;
/** The zstd frame magic 0xFD2FB528. */
const ZSTD_MAGIC = 0xfd2fb528;

/** The skippable frame announcing a zstd frame of `length` bytes. */
export function indexFrame(length: number): Buffer {
  const frame = Buffer.alloc(INDEX_FRAME_SIZE);
  frame.writeUInt32LE(INDEX_MAGIC, 0);
  frame.writeUInt32LE(4, 4);
  frame.writeUInt32LE(length, 8);
  return frame;
}

export type FrameProbe = { kind: 'need-more' } | { kind: 'indexed'; length: number } | { kind: 'plain' };

/**
 * Looks at the bytes where a frame starts: the length of the zstd frame when our index frame is there, `plain`
 * for anything else (a zstd frame not written by us: the sequential decompressor reads it or reports it),
 * `need-more` when fewer than 12 bytes are there. A damaged index frame of ours throws.
 */
export function probeFrame(bytes: Buffer): FrameProbe {
  if (bytes.length < INDEX_FRAME_SIZE) return { kind: 'need-more' };
  if (bytes.readUInt32LE(0) !== INDEX_MAGIC) return { kind: 'plain' };
  const length = bytes.readUInt32LE(8);
  if (bytes.readUInt32LE(4) !== 4 || length < 4 || length > MAX_FRAME_SIZE) {
    throw new Error(`zstd index frame damaged (declares ${length} bytes)`);
  }
  return { kind: 'indexed', length };
}

/** True when `frame` starts with the zstd magic number (checked before handing it to the decompressor). */
export function isZstdFrame(frame: Buffer): boolean {
  return frame.length >= 4 && frame.readUInt32LE(0) === ZSTD_MAGIC;
}
