// Live progress on a terminal: one line per running target (bytes read, written, rate, elapsed), redrawn in
// place at most a few times a second below the log lines. Hand-written rather than log-update & co: the block is
// a few short lines cut to the terminal width, and what a library would not do for us is the one hard part —
// clearing the block around every log line that pino writes to the same terminal (see `stream`).
import { Writable } from 'node:stream';
import { formatBytes } from '../util/duration.js';

export interface ProgressBytes {
  read: number;
  written: number;
}

/** What a running target reports to; `end` removes its line. */
export interface TargetProgress {
  update(progress: ProgressBytes): void;
  end(): void;
}

export interface TerminalStream {
  write(chunk: string | Uint8Array): boolean;
  columns?: number;
  isTTY?: boolean;
}

export interface ProgressDisplayOptions {
  /** Redraw period while targets run. */
  intervalMs?: number;
  now?: () => number;
}

interface Line {
  target: string;
  started: number;
  bytes: ProgressBytes | undefined;
}

/** `1:05`, `1:02:03`: elapsed time as a clock. */
function clock(ms: number): string {
  const total = Math.floor(ms / 1000);
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60);
  return m < 60 ? `${m}:${s}` : `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${s}`;
}

/** The text of one target's line (without cutting it to the terminal width). */
export function formatProgressLine(target: string, bytes: ProgressBytes | undefined, elapsedMs: number): string {
  if (!bytes) return `  ${target}: starting  ${clock(elapsedMs)}`;
  const rate = elapsedMs > 0 ? (bytes.read * 1000) / elapsedMs : 0;
  return `  ${target}: read ${formatBytes(bytes.read)}  written ${formatBytes(bytes.written)}  ${formatBytes(Math.round(rate))}/s  ${clock(elapsedMs)}`;
}

const ERASE_TO_END = '\x1b[J';
/** Moves the cursor to column 1, `n` lines up. */
const linesUp = (n: number): string => `\r\x1b[${n}A`;

export class ProgressDisplay {
  private readonly lines: Line[] = [];
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(
    private readonly out: TerminalStream,
    options: ProgressDisplayOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? 250;
  }

  /** Starts a target's line (drawn at once, so even a short backup shows that it ran). */
  track(target: string): TargetProgress {
    const line: Line = { target, started: this.now(), bytes: undefined };
    this.lines.push(line);
    this.timer ??= setInterval(() => this.redraw(), this.intervalMs).unref();
    this.redraw();
    return {
      update: (bytes) => {
        line.bytes = { read: bytes.read, written: bytes.written };
      },
      end: () => {
        const index = this.lines.indexOf(line);
        if (index >= 0) this.lines.splice(index, 1);
        if (this.lines.length === 0) this.stopTimer();
        this.redraw();
      },
    };
  }

  /** Redraws the block in place (one write, so the terminal never shows it half erased). */
  redraw(): void {
    const text = this.erase() + this.render();
    if (text !== '') this.out.write(text);
  }

  /** Writes text above the block: erase the block, the text, the block again. */
  writeAbove(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.out.write(this.erase() + text + this.render());
  }

  /** A writable for the logger: every log line lands above the progress block. */
  stream(): Writable & { isTTY: boolean } {
    const stream = new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        this.writeAbove(chunk);
        callback();
      },
    });
    return Object.assign(stream, { isTTY: true });
  }

  /** Stops redrawing and erases the block. */
  close(): void {
    this.stopTimer();
    this.lines.length = 0;
    if (this.drawn > 0) this.out.write(this.erase());
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private erase(): string {
    const text = this.drawn > 0 ? linesUp(this.drawn) + ERASE_TO_END : '';
    this.drawn = 0;
    return text;
  }

  private render(): string {
    // A pty without a size (script, some CI runners) reports 0 columns: assume a common width.
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const now = this.now();
    const text = this.lines.map((l) => formatProgressLine(l.target, l.bytes, now - l.started).slice(0, width) + '\n').join('');
    this.drawn = this.lines.length;
    return text;
  }
}

/** A progress display when stderr is a terminal and output is for people (not --json); otherwise none. */
export function terminalProgress(stderr: NodeJS.WritableStream, json: boolean): ProgressDisplay | undefined {
  const tty = stderr as TerminalStream;
  if (json || tty.isTTY !== true) return undefined;
  return new ProgressDisplay(tty);
}
