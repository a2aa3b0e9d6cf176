// Gunzip on every core for the streams we write: each member's header records its length (gzip-members.ts), so
// whole members are inflated in parallel on the libuv pool (CRC and length checked by zlib); any other gzip
// stream goes through one ordinary gunzip from its first member without that length (parallel-decompress.ts).
import type { Transform } from 'node:stream';
import { createGunzip, gunzip } from 'node:zlib';
import { probeMember } from './gzip-members.js';
import { ParallelDecompress, type ParallelDecompressOptions, type UnitProbe } from './parallel-decompress.js';

/** Largest output accepted from one member; ours hold one block (1 MiB by default). */
const MAX_MEMBER_OUTPUT = 256 * 1024 * 1024;

/** Inflates one member; the output chunk is sized from the trailer's ISIZE, so it takes one pool round trip. */
function gunzipMember(member: Buffer): Promise<Buffer> {
  const isize = member.readUInt32LE(member.length - 4);
  const chunkSize = Math.min(MAX_MEMBER_OUTPUT, Math.max(64 * 1024, isize + 1));
  return new Promise((resolve, reject) => {
    gunzip(member, { maxOutputLength: MAX_MEMBER_OUTPUT, chunkSize }, (error, out) => (error ? reject(error) : resolve(out)));
  });
}

export class ParallelGunzip extends ParallelDecompress {
  constructor(options: ParallelDecompressOptions = {}) {
    super({ unit: 'gzip member', header: 'the gzip member header', data: 'gzip data' }, options);
  }

  protected probeUnit(): UnitProbe {
    // Our header is 20 bytes; another writer's FEXTRA field may be up to 64 KiB long.
    let probe = probeMember(this.queue.peek(32));
    if (probe.kind === 'need-more' && this.queue.length > 32) probe = probeMember(this.queue.peek(65_547));
    if (probe.kind !== 'indexed') return probe;
    return probe.canonical ? { kind: 'unit', skip: 0, length: probe.length } : { kind: 'damaged' };
  }

  protected decompressUnit(member: Buffer): Promise<Buffer> {
    return gunzipMember(member);
  }

  protected createSequential(): Transform {
    return createGunzip();
  }
}
