// pino with three destinations: readable lines on stderr, JSON lines on stderr with --json, and JSON lines in
// the log file (rotated at start, mode 0600). Every line passes the redactor before it is written anywhere.
// A log file that cannot be opened is a warning on stderr, never a reason not to back up.
import pino, { type Logger, type StreamEntry, type DestinationStream } from 'pino';
import { errorMessage } from '../util/errors.js';
import type { Redactor } from '../util/redact.js';
import { openLogFile } from './log-file.js';

export type { Logger };
import type { LogLevel } from './levels.js';

export { LOG_LEVELS, type LogLevel } from './levels.js';

export interface LoggerOptions {
  level: LogLevel;
  /** JSON lines on stderr instead of readable ones. */
  json: boolean;
  /** The log file; undefined for none (also for a dry run, which writes nothing). */
  file?: { path: string; maxSize: number; maxFiles: number } | undefined;
  redactor: Redactor;
  stderr?: NodeJS.WritableStream;
}

export interface LoggerHandle {
  logger: Logger;
  close(): Promise<void>;
}

function closeStream(stream: DestinationStream & { end?: () => void; once?: (e: string, f: () => void) => void }): Promise<void> {
  return new Promise((resolve) => {
    if (typeof stream.end !== 'function' || typeof stream.once !== 'function') return resolve();
    stream.once('close', () => resolve());
    stream.once('finish', () => resolve());
    stream.end();
    setTimeout(resolve, 2000).unref();
  });
}

/** Opens the logger. pino-pretty loads only for readable lines (not for --json or a silent logger). */
export async function createLogger(options: LoggerOptions): Promise<LoggerHandle> {
  const stderr = options.stderr ?? process.stderr;
  const streams: StreamEntry[] = [];
  const closers: (() => Promise<void>)[] = [];
  const level = options.level;

  if (level !== 'silent') {
    const tty = (stderr as { isTTY?: boolean }).isTTY === true;
    const stream: DestinationStream = options.json
      ? stderr
      : (await import('pino-pretty')).default({
          destination: stderr,
          colorize: tty,
          sync: true,
          singleLine: true,
          ignore: 'pid,hostname',
          translateTime: 'SYS:HH:MM:ss',
        });
    streams.push({ level, stream });
  }
  let fileProblem: string | undefined;
  // `silent` silences every destination, the file included.
  if (options.file && options.level !== 'silent') {
    try {
      const fd = openLogFile(options.file);
      const file = pino.destination({ fd, sync: true });
      streams.push({ level: 'trace', stream: file });
      closers.push(() => closeStream(file));
    } catch (error) {
      fileProblem = errorMessage(error);
    }
  }
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line: string) => options.redactor.redact(line) },
    },
    pino.multistream(streams.length > 0 ? streams : [{ level: 'fatal', stream: { write: () => undefined } }]),
  );
  if (fileProblem !== undefined) {
    logger.warn({ file: options.file?.path, reason: fileProblem }, 'cannot write the log file; logging to stderr only');
  }
  return {
    logger,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
