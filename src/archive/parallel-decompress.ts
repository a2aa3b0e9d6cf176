// Decompression on every core for the files we write, codec-neutral: each unit (a gzip member, a zstd frame) says
// where it ends (its header or an index frame before it), so whole units are cut from the input and decompressed
// in parallel on the libuv pool, their output emitted in order. From the first unit that does not say (any other
// file of the codec) on, the rest goes through one ordinary streaming decompressor. In flight and buffered bytes
// stay bounded. parallel-gunzip.ts and parallel-unzstd.ts are the two codecs.
import { Transform, type TransformCallback } from 'node:stream';
import { errorMessage } from '../util/errors.js';
import { ByteQueue } from './byte-queue.js';
import { defaultInFlight } from './parallel-blocks.js';
import type { BufferRecycler } from './recycler.js';

/** Input slice fed to the streaming decompressor at a time, to bound what one write can produce. */
const SEQUENTIAL_SLICE = 64 * 1024;

/**
 * What starts at the current offset: a unit of ours (`skip` bytes of index to drop, then `length` bytes of unit),
 * anything else (`plain`: the streaming decompressor reads it or reports it), a header of ours that is not exactly
 * what we write (`damaged`), or too few bytes to tell.
 */
export type UnitProbe =
  { kind: 'need-more' } | { kind: 'plain' } | { kind: 'damaged' } | { kind: 'unit'; skip: number; length: number };

/** The words a codec's errors use: `gzip member`, `the gzip member header`, `gzip data`. */
export interface UnitWords {
  unit: string;
  header: string;
  data: string;
}

export interface ParallelDecompressOptions {
  inFlight?: number;
  /**
   * Input chunks made by this recycler are given back once no unit reads them any more, and units that span
   * chunks are joined into its buffers: reading a file reuses a few buffers (see recycled-read.ts).
   */
  buffers?: BufferRecycler;
}

export abstract class ParallelDecompress extends Transform {
  private readonly inFlight: number;
  private readonly buffers: BufferRecycler | undefined;
  /** Units dispatched and emitted so far; a used-up input chunk is given back once the unit that read it last is out. */
  private dispatched = 0;
  private emitted = 0;
  private readonly releases: { memory: Buffer; after: number }[] = [];
  protected readonly queue = new ByteQueue();
  /** Compressed bytes consumed so far (the offset of the next unit). */
  private offset = 0;
  private readonly jobs: Promise<Buffer>[] = [];
  private sequential: Transform | undefined;
  private sequentialFailed: Promise<never> | undefined;
  /** Set once a unit of ours was seen: from then on every unit must be one of ours, intact. */
  private indexed = false;
  /** Units decompressed in parallel, for tests and the bench. */
  parallelUnits = 0;

  constructor(
    private readonly words: UnitWords,
    options: ParallelDecompressOptions = {},
  ) {
    super({ writableHighWaterMark: 1024 * 1024 });
    this.inFlight = Math.max(1, options.inFlight ?? defaultInFlight());
    this.buffers = options.buffers;
  }

  /** Looks at the queued bytes (not consuming them); throws when a header of ours is damaged. */
  protected abstract probeUnit(): UnitProbe;
  /** Decompresses one whole unit on the pool, checking its checksum; errors need not say where. */
  protected abstract decompressUnit(unit: Buffer): Promise<Buffer>;
  /** The streaming decompressor for data not cut into our units. */
  protected abstract createSequential(): Transform;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.sequential) {
      this.feedSequential(chunk).then(() => callback(), callback);
      return;
    }
    this.queue.push(chunk);
    this.cutUnits().then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.finish().then(() => callback(), callback);
  }

  /** At the end: every unit decompressed, the streaming decompressor ended, nothing left over (else: truncated). */
  private async finish(): Promise<void> {
    await this.drain(0);
    if (this.sequential) {
      const inner = this.sequential;
      await Promise.race([this.sequentialFailed, new Promise<void>((resolve) => inner.once('end', resolve).end())]);
      return;
    }
    if (this.offset === 0 && this.queue.length === 0) throw new Error('unexpected end of file: the file is empty');
    if (this.queue.length > 0) {
      throw new Error(`unexpected end of file: the ${this.words.unit} at byte ${this.offset} is incomplete (truncated file)`);
    }
  }

  /** Dispatches every complete unit queued; switches to streaming mode at a unit that does not say its length. */
  private async cutUnits(): Promise<void> {
    for (;;) {
      const probe = this.probe();
      if (probe.kind === 'need-more') return;
      if (probe.kind === 'damaged' || (probe.kind === 'plain' && this.indexed)) {
        throw new Error(`${this.words.header} at byte ${this.offset} is damaged`);
      }
      if (probe.kind === 'plain') {
        await this.drain(0);
        await this.startSequential();
        return;
      }
      this.indexed = true;
      if (this.queue.length < probe.skip + probe.length) return;
      const used: Buffer[] = [];
      if (probe.skip > 0) this.queue.take(probe.skip, used);
      const offset = this.offset + probe.skip;
      this.offset = offset + probe.length;
      const buffers = this.buffers;
      const join =
        buffers &&
        ((): Buffer => {
          const joined = buffers.take();
          used.push(joined); // given back with the chunks once this unit is out
          return joined;
        });
      const unit = this.queue.take(probe.length, used, join);
      const job = this.decompressUnit(unit).catch((error: Error) => {
        throw new Error(`${this.words.unit} at byte ${offset}: ${error.message}`, { cause: error });
      });
      job.catch(() => undefined); // surfaced in order by drain()
      this.jobs.push(job);
      this.dispatched += 1;
      if (buffers) for (const memory of used) this.releases.push({ memory, after: this.dispatched });
      this.parallelUnits += 1;
      await this.drain(this.inFlight - 1);
    }
  }

  private probe(): UnitProbe {
    try {
      return this.probeUnit();
    } catch (error) {
      throw new Error(`at byte ${this.offset}: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** Emits decompressed units in order until at most `keep` are still in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.jobs.length > keep) {
      const out = await this.jobs[0]!;
      void this.jobs.shift(); // the awaited head, already settled
      this.push(out);
      this.emitted += 1;
      while (this.releases.length > 0 && this.releases[0]!.after <= this.emitted)
        this.buffers!.give(this.releases.shift()!.memory);
    }
  }

  /** From here on, everything goes through one streaming decompressor (a file not written by us). */
  private async startSequential(): Promise<void> {
    const inner = this.createSequential();
    inner.on('data', (data: Buffer) => this.push(data));
    // zlib never calls back a write that failed: every wait below races this promise
    this.sequentialFailed = new Promise((_resolve, reject) => {
      inner.once('error', (error: Error) =>
        reject(new Error(`${this.words.data} after byte ${this.offset}: ${error.message}`, { cause: error })),
      );
    });
    this.sequentialFailed.catch(() => undefined);
    this.sequential = inner;
    for (const chunk of this.queue.takeAll()) await this.feedSequential(chunk);
  }

  /** Feeds the streaming decompressor in slices, waiting for each (or its failure). */
  private async feedSequential(chunk: Buffer): Promise<void> {
    const inner = this.sequential!;
    for (let at = 0; at < chunk.length; at += SEQUENTIAL_SLICE) {
      const slice = chunk.subarray(at, at + SEQUENTIAL_SLICE);
      await Promise.race([this.sequentialFailed, new Promise<void>((resolve) => inner.write(slice, () => resolve()))]);
    }
  }
}
