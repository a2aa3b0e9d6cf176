// Gunzip on every core for the streams we write: each member's header records its length (gzip-members.ts), so
// whole members are cut from the input and inflated in parallel on the libuv pool (CRC and length checked by
// zlib), their output emitted in order. From the first member without that length (any other gzip file) on,
// the rest goes through one ordinary sequential gunzip. In flight and buffered bytes stay bounded.
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip, gunzip, type Gunzip } from 'node:zlib';
import { errorMessage } from '../util/errors.js';
import { ByteQueue } from './byte-queue.js';
import { MAX_MEMBER_SIZE, probeMember, type MemberProbe } from './gzip-members.js';
import { defaultInFlight } from './parallel-blocks.js';

/** Largest output accepted from one member; ours hold one block (1 MiB by default). */
const MAX_MEMBER_OUTPUT = 256 * 1024 * 1024;
/** Input slice fed to the sequential gunzip at a time, to bound what one write can produce. */
const SEQUENTIAL_SLICE = 64 * 1024;

/** Inflates one member; the output chunk is sized from the trailer's ISIZE, so it takes one pool round trip. */
function gunzipMember(member: Buffer, offset: number): Promise<Buffer> {
  const isize = member.readUInt32LE(member.length - 4);
  const chunkSize = Math.min(MAX_MEMBER_OUTPUT, Math.max(64 * 1024, isize + 1));
  return new Promise((resolve, reject) => {
    gunzip(member, { maxOutputLength: MAX_MEMBER_OUTPUT, chunkSize }, (error, out) => {
      if (error) reject(new Error(`gzip member at byte ${offset}: ${error.message}`, { cause: error }));
      else resolve(out);
    });
  });
}

export class ParallelGunzip extends Transform {
  private readonly inFlight: number;
  private readonly queue = new ByteQueue();
  /** Compressed bytes consumed so far (the offset of the next member). */
  private offset = 0;
  private readonly jobs: Promise<Buffer>[] = [];
  private sequential: Gunzip | undefined;
  private sequentialFailed: Promise<never> | undefined;
  /** Set once a member of ours was seen: from then on every member must be one of ours, intact. */
  private indexed = false;
  /** Members inflated in parallel, for tests and the bench. */
  parallelMembers = 0;

  constructor(options: { inFlight?: number } = {}) {
    super({ writableHighWaterMark: 1024 * 1024 });
    this.inFlight = Math.max(1, options.inFlight ?? defaultInFlight());
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.sequential) {
      this.feedSequential(chunk).then(() => callback(), callback);
      return;
    }
    this.queue.push(chunk);
    this.cutMembers().then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.finish().then(() => callback(), callback);
  }

  /** At the end: every member inflated, the sequential gunzip ended, nothing left over (else: truncated). */
  private async finish(): Promise<void> {
    await this.drain(0);
    if (this.sequential) {
      const inner = this.sequential;
      await Promise.race([this.sequentialFailed, new Promise<void>((resolve) => inner.once('end', resolve).end())]);
      return;
    }
    if (this.offset === 0 && this.queue.length === 0) throw new Error('unexpected end of file: the file is empty');
    if (this.queue.length > 0) {
      throw new Error(`unexpected end of file: the gzip member at byte ${this.offset} is incomplete (truncated file)`);
    }
  }

  /** Dispatches every complete member in the buffer; switches to sequential mode at a member without a length. */
  private async cutMembers(): Promise<void> {
    for (;;) {
      let probe = this.probe(32);
      if (probe.kind === 'need-more' && this.queue.length > 32) probe = this.probe(65_547);
      if (probe.kind === 'need-more') return;
      if (probe.kind === 'plain') {
        if (this.indexed) throw new Error(`the gzip member header at byte ${this.offset} is damaged`);
        await this.drain(0);
        await this.startSequential();
        return;
      }
      if (!probe.canonical) throw new Error(`the gzip member header at byte ${this.offset} is damaged`);
      this.indexed = true;
      if (this.queue.length < probe.length) return;
      const offset = this.offset;
      const job = gunzipMember(this.takeBytes(probe.length), offset);
      job.catch(() => undefined); // surfaced in order by drain()
      this.jobs.push(job);
      this.parallelMembers += 1;
      await this.drain(this.inFlight - 1);
    }
  }

  /** Probes the member header at the current offset; a damaged header of ours fails with its offset. */
  private probe(bytes: number): MemberProbe {
    try {
      return probeMember(this.queue.peek(Math.min(this.queue.length, bytes)));
    } catch (error) {
      throw new Error(`at byte ${this.offset}: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** Emits inflated members in order until at most `keep` are still in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.jobs.length > keep) {
      const out = await this.jobs[0]!;
      void this.jobs.shift(); // the awaited head, already settled
      this.push(out);
    }
  }

  /** From here on, everything goes through one ordinary gunzip (a gzip stream not written by us). */
  private async startSequential(): Promise<void> {
    const inner = createGunzip();
    inner.on('data', (data: Buffer) => this.push(data));
    // zlib never calls back a write that failed: every wait below races this promise
    this.sequentialFailed = new Promise((_resolve, reject) => {
      inner.once('error', (error: Error) =>
        reject(new Error(`gzip data after byte ${this.offset}: ${error.message}`, { cause: error })),
      );
    });
    this.sequentialFailed.catch(() => undefined);
    this.sequential = inner;
    const rest = this.queue.takeAll();
    for (const chunk of rest) await this.feedSequential(chunk);
  }

  /** Feeds the sequential gunzip in slices, waiting for each (or its failure). */
  private async feedSequential(chunk: Buffer): Promise<void> {
    const inner = this.sequential!;
    for (let at = 0; at < chunk.length; at += SEQUENTIAL_SLICE) {
      const slice = chunk.subarray(at, at + SEQUENTIAL_SLICE);
      await Promise.race([this.sequentialFailed, new Promise<void>((resolve) => inner.write(slice, () => resolve()))]);
    }
  }

  /** Consumes the first `bytes` buffered bytes as one Buffer (a copy only when they span chunks). */
  private takeBytes(bytes: number): Buffer {
    if (bytes > MAX_MEMBER_SIZE) throw new Error(`gzip member at byte ${this.offset} is too large`);
    const out = this.queue.take(bytes);
    this.offset += bytes;
    return out;
  }
}
