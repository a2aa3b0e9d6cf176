// pino with three destinations: readable lines on stderr, JSON lines on stderr with --json, and JSON lines in
// the rotated log file (pino-roll, mode 0600). Every line passes the redactor before it is written anywhere.
import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import pino, { type Logger, type StreamEntry, type DestinationStream } from 'pino';
import pinoRoll from 'pino-roll';
import PinoPretty from 'pino-pretty';
import type { Redactor } from '../util/redact.js';

export type { Logger };
import type { LogLevel } from './levels.js';

export { LOG_LEVELS, type LogLevel } from './levels.js';

export interface LoggerOptions {
  level: LogLevel;
  /** JSON lines on stderr instead of readable ones. */
  json: boolean;
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

export async function createLogger(options: LoggerOptions): Promise<LoggerHandle> {
  const stderr = options.stderr ?? process.stderr;
  const streams: StreamEntry[] = [];
  const closers: (() => Promise<void>)[] = [];
  const level = options.level === 'silent' ? 'info' : options.level;

  if (options.level !== 'silent') {
    const tty = (stderr as { isTTY?: boolean }).isTTY === true;
    const stream: DestinationStream = options.json
      ? stderr
      : PinoPretty({
          destination: stderr,
          colorize: tty,
          sync: true,
          singleLine: true,
          ignore: 'pid,hostname',
          translateTime: 'SYS:HH:MM:ss',
        });
    streams.push({ level, stream });
  }
  if (options.file) {
    await mkdir(dirname(options.file.path), { recursive: true, mode: 0o700 });
    const roll = await pinoRoll({
      file: options.file.path,
      size: `${Math.max(1, Math.round(options.file.maxSize / 1024))}k`,
      limit: { count: Math.max(1, options.file.maxFiles - 1) },
      mkdir: true,
      mode: 0o600,
    });
    roll.on('ready', () => {
      if (roll.file) chmod(roll.file, 0o600).catch(() => undefined);
    });
    streams.push({ level: 'trace', stream: roll });
    closers.push(() => closeStream(roll));
  }
  const logger = pino(
    {
      level: options.file ? 'trace' : level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line: string) => options.redactor.redact(line) },
    },
    pino.multistream(streams.length > 0 ? streams : [{ level: 'fatal', stream: { write: () => undefined } }]),
  );
  if (options.file && options.level !== 'silent') {
    // The file gets the configured level too; trace above only lets multistream filter per stream.
    logger.level = level;
  }
  return {
    logger,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
