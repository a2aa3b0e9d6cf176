// The compression codecs: which one an archive name says, and the stages that write and read it. The sink, verify
// and restore pick their stage here, so a codec is added in one place.
import { PassThrough, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AgeDecrypt, type AgeIdentity } from './decrypt.js';
import { CODECS, type Codec } from './codec-names.js';
import type { Compression } from './names.js';
import { ParallelGunzip } from './parallel-gunzip.js';
import { ParallelGzip } from './parallel-gzip.js';
import { ParallelUnzstd } from './parallel-unzstd.js';
import { ParallelZstd } from './parallel-zstd.js';
import type { BufferRecycler } from './recycler.js';

export { CODECS, type Codec };

/** The file name suffix of each codec. */
export const CODEC_SUFFIX: Record<Codec, Compression> = { gzip: 'gz', zstd: 'zst' };

/** The codec an archive name (or extension) ends with, before any `.age`; null for an uncompressed archive. */
export function codecOf(name: string): Codec | null {
  const plain = name.endsWith('.age') ? name.slice(0, -'.age'.length) : name;
  return CODECS.find((c) => plain.endsWith(`.${CODEC_SUFFIX[c]}`)) ?? null;
}

/** The compressor stage the sink writes through (every core); `recycle` gets each input chunk once it is compressed. */
export function compressorFor(codec: Codec, level: number, recycle?: (chunk: Buffer) => void): Transform {
  return codec === 'zstd' ? new ParallelZstd({ level, recycle }) : new ParallelGzip({ level, recycle });
}

/** The parallel decompressor verify reads through; `buffers` gets back the input chunks it made once they are read. */
export function decompressorFor(codec: Codec | null, buffers?: BufferRecycler): Transform {
  if (codec === null) return new PassThrough();
  return codec === 'zstd' ? new ParallelUnzstd({ buffers }) : new ParallelGunzip({ buffers });
}

/** The decompressor restore extracts through: zstd on every core, gzip as the ordinary streaming gunzip. */
export function restoreDecompressorFor(codec: Codec | null): Transform {
  if (codec === null) return new PassThrough();
  return codec === 'zstd' ? new ParallelUnzstd() : createGunzip({ chunkSize: 64 * 1024 });
}

/** The stages that turn a stored archive back into its format's bytes for a restore: decrypt (with an identity), decompress. */
export function plainStages(archive: { ext: string; identity?: AgeIdentity | undefined }): Transform[] {
  const decrypt = archive.identity ? [new AgeDecrypt(archive.identity)] : [];
  return [...decrypt, restoreDecompressorFor(codecOf(archive.ext))];
}
