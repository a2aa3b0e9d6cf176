// Splits a child's output into lines for the log, in bounded memory: a line longer than the limit is cut into
// pieces rather than held whole. Keeps the last few lines for the error message of a failed hook.
import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';

export const MAX_LINE_CHARS = 8 * 1024;
const KEPT_LINES = 5;

export class LineSplitter extends Writable {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** The last lines seen (for an error message). */
  readonly last: string[] = [];

  constructor(private readonly onLine: (line: string) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.take(this.decoder.write(chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.take(this.decoder.end());
    if (this.pending !== '') this.emitLine(this.pending);
    this.pending = '';
    callback();
  }

  private take(text: string): void {
    let rest = this.pending + text;
    for (let nl = rest.indexOf('\n'); nl !== -1; nl = rest.indexOf('\n')) {
      this.emitLine(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
    while (rest.length > MAX_LINE_CHARS) {
      this.emitLine(rest.slice(0, MAX_LINE_CHARS));
      rest = rest.slice(MAX_LINE_CHARS);
    }
    this.pending = rest;
  }

  private emitLine(line: string): void {
    const clean = line.replace(/\r$/, '');
    this.last.push(clean);
    if (this.last.length > KEPT_LINES) this.last.shift();
    this.onLine(clean);
  }
}
