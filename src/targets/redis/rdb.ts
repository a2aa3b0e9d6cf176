// What a whole RDB file looks like: `REDIS` + a 4-digit version at the start; the EOF opcode 0xFF and an 8-byte
// checksum at the end. redis-cli --rdb to stdout can leave the replication transfer's 40-byte EOF marker after
// the file (diskless sync); the filter takes it off so the archive holds exactly the RDB file.
import { Transform, type TransformCallback, Writable } from 'node:stream';
import type { ContentCheck } from '../../archive/content-check.js';
import { TailKeeper } from '../../archive/measure.js';

const EOF_MARK_LENGTH = 40;
const TRAILER = 9;

/** Why these bytes are not a whole RDB file, or undefined. */
export function rdbProblem(head: Buffer, tail: Buffer): string | undefined {
  if (!/^REDIS\d{4}$/.test(head.subarray(0, 9).toString('latin1')))
    return 'it does not start with an RDB header (REDIS + version)';
  if (tail.length < TRAILER || tail[tail.length - TRAILER] !== 0xff) {
    return 'it does not end with the RDB EOF opcode and checksum (truncated)';
  }
  return undefined;
}

/** Holds back the last bytes; drops a trailing 40-hex-character transfer marker that follows the RDB's EOF. */
export class EofMarkStrip extends Transform {
  private held = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const all = Buffer.concat([this.held, chunk]);
    const keep = EOF_MARK_LENGTH + TRAILER;
    this.held = Buffer.from(all.subarray(Math.max(0, all.length - keep)));
    callback(null, all.length > keep ? all.subarray(0, all.length - keep) : undefined);
  }

  override _flush(callback: TransformCallback): void {
    const h = this.held;
    const mark = h.subarray(h.length - EOF_MARK_LENGTH);
    const marked = h.length === EOF_MARK_LENGTH + TRAILER && h[0] === 0xff && /^[0-9a-f]{40}$/.test(mark.toString('latin1'));
    callback(null, marked ? h.subarray(0, TRAILER) : h);
  }
}

/** The content check of `.rdb` archives: header and trailer. */
export function rdbCheck(): ContentCheck {
  let head = Buffer.alloc(0);
  const tail = new TailKeeper(64);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (head.length < 9) head = Buffer.concat([head, chunk.subarray(0, 9 - head.length)]);
      tail.write(chunk, callback);
    },
  });
  tail.resume();
  return {
    sink,
    result: () => {
      const problem = rdbProblem(head, tail.bytes());
      return problem ? Promise.reject(new Error(`not a whole RDB file: ${problem}`)) : Promise.resolve(null);
    },
  };
}
