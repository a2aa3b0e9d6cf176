// Buffers of one size, handed out again once their last reader is done with them. On a machine where a page fault
// is expensive (a VM: tens of microseconds each), a fresh 1 MiB buffer per read costs more than the read, and every
// ~64 MiB of fresh buffers makes V8 run a full garbage collection: a backup's source fills a few buffers over and
// over instead. Only a buffer this recycler made is taken back, once; a buffer never given back is simply garbage.
export class BufferRecycler {
  private readonly free: ArrayBuffer[] = [];
  private readonly mine = new WeakSet<ArrayBuffer>();
  private readonly idle = new WeakSet<ArrayBuffer>();

  constructor(
    readonly size: number,
    /** Free buffers kept at most; more are left to the garbage collector. */
    private readonly keep = 4,
  ) {}

  /** A buffer of `size` bytes, uninitialised (a reused one holds old data). */
  take(): Buffer {
    const reused = this.free.pop();
    if (reused) {
      this.idle.delete(reused);
      return Buffer.from(reused);
    }
    const fresh = Buffer.allocUnsafeSlow(this.size);
    this.mine.add(fresh.buffer);
    return fresh;
  }

  /** Takes back the buffer `view` lies in, if this recycler made it and it is not already back. */
  give(view: Buffer): void {
    const memory = view.buffer;
    if (!(memory instanceof ArrayBuffer) || !this.mine.has(memory) || this.idle.has(memory)) return;
    if (this.free.length >= this.keep) return;
    this.idle.add(memory);
    this.free.push(memory);
  }
}
