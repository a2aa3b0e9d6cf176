// Progress on a terminal: a fake TTY stream shows what is drawn; the built CLI stays silent without a TTY and
// draws (then erases) its lines under a real pseudo-terminal (`script`).
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { formatProgressLine, ProgressDisplay, terminalProgress } from '../../src/progress/display.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { BIN, runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { sourceDir, writeConfig } from './fixtures.js';

const MiB = 1024 * 1024;

/** A stand-in for a terminal: records what is written; `screen()` replays the cursor moves we use. */
class FakeTty {
  readonly isTTY = true;
  columns = 80;
  readonly chunks: string[] = [];

  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(String(chunk));
    return true;
  }

  /** The lines a terminal would show after replaying `\r`, `ESC[nA` (up) and `ESC[J` (erase below). */
  screen(): string[] {
    const rows: string[] = [''];
    let row = 0;
    const text = this.chunks.join('');
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i]!;
      // eslint-disable-next-line no-control-regex -- the escape sequences are what this fake terminal reads
      const esc = /^\x1b\[(\d*)([AJ])/.exec(text.slice(i));
      if (esc) {
        if (esc[2] === 'A') row = Math.max(0, row - Number(esc[1] || 1));
        else {
          rows.splice(row + 1);
          rows[row] = '';
        }
        i += esc[0].length - 1;
      } else if (ch === '\r') {
        rows[row] = '';
      } else if (ch === '\n') {
        row += 1;
        rows[row] ??= '';
      } else {
        rows[row] += ch;
      }
    }
    return rows.slice(0, row + (rows[row] === '' ? 0 : 1));
  }
}

describe('progress display (fake terminal)', () => {
  it('formats bytes read and written, the rate and the elapsed time', () => {
    expect(formatProgressLine('db', { read: 300 * MiB, written: 60 * MiB }, 150_000)).toBe(
      '  db: read 300.0 MiB  written 60.0 MiB  2.0 MiB/s  2:30',
    );
    expect(formatProgressLine('db', undefined, 3_723_000)).toBe('  db: starting  1:02:03');
  });

  it('keeps one line per running target, redrawn in place, with log lines above it', () => {
    const tty = new FakeTty();
    let now = 0;
    const display = new ProgressDisplay(tty, { now: () => now, intervalMs: 60_000 });
    const a = display.track('alpha');
    const b = display.track('beta');
    expect(tty.screen()).toEqual(['  alpha: starting  0:00', '  beta: starting  0:00']);

    now = 10_000;
    a.update({ read: 50 * MiB, written: 10 * MiB });
    display.redraw();
    display.stream().write('[12:00:00] INFO: a log line\n');
    expect(tty.screen()).toEqual([
      '[12:00:00] INFO: a log line',
      '  alpha: read 50.0 MiB  written 10.0 MiB  5.0 MiB/s  0:10',
      '  beta: starting  0:10',
    ]);

    a.end();
    expect(tty.screen()).toEqual(['[12:00:00] INFO: a log line', '  beta: starting  0:10']);
    b.end();
    display.close();
    expect(tty.screen()).toEqual(['[12:00:00] INFO: a log line']);
  });

  it('cuts lines to the terminal width', () => {
    const tty = new FakeTty();
    tty.columns = 30;
    const display = new ProgressDisplay(tty, { intervalMs: 60_000 });
    display.track('a-target-with-a-rather-long-name').update({ read: 1, written: 1 });
    display.redraw();
    for (const line of tty.screen()) expect(line.length).toBeLessThan(30);
    display.close();
  });

  it('is off without a terminal and with --json', () => {
    expect(terminalProgress(new FakeTty() as unknown as NodeJS.WritableStream, false)).toBeInstanceOf(ProgressDisplay);
    expect(terminalProgress(new FakeTty() as unknown as NodeJS.WritableStream, true)).toBeUndefined();
    expect(terminalProgress(process.stderr, false)?.constructor).toBe(process.stderr.isTTY ? ProgressDisplay : undefined);
  });
});

describe('progress in the CLI', () => {
  it('stays silent when stderr is not a terminal (cron)', async () => {
    const dir = tmpDir();
    const { config } = writeConfig(dir, [{ name: 'files', paths: [sourceDir(dir, 'a', 100_000)] }]);
    const result = await runCli(['run', '-c', config]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('\x1b[');
    expect(result.stderr).not.toMatch(/files: (starting|read)/);
  });

  const script = findBinary('script');
  it.runIf(requireBinaries('progress under a pseudo-terminal', { script }))(
    'draws the target line on a terminal and erases it before the report',
    async () => {
      const dir = tmpDir();
      const { config } = writeConfig(dir, [{ name: 'files', paths: [sourceDir(dir, 'a', 100_000)] }]);
      const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
      // util-linux script: the command runs with stdout and stderr on a pty; the typescript goes to stdout.
      const result = await execa(
        script!,
        ['-qfec', [process.execPath, BIN, 'run', '-c', config].map(quote).join(' '), '/dev/null'],
        {
          reject: false,
          env: { SNAPSHOTTER_CONFIG: undefined, TERM: 'xterm' },
          timeout: 60_000,
        },
      );
      expect(result.exitCode, String(result.stdout)).toBe(0);
      const out = String(result.stdout);
      expect(out).toMatch(/ {2}files: starting {2}0:00\r?\n/);
      expect(out).toContain('\r\x1b[1A\x1b[J');
      const tty = new FakeTty();
      tty.write(out.replace(/\r\n/g, '\n'));
      const screen = tty.screen().join('\n');
      expect(screen).not.toContain('files: starting');
      expect(screen).toMatch(/ok {3}files {2}files-\d{8}T\d{6}Z\.tar\.gz/);
    },
  );
});
