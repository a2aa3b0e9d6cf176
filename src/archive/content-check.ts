// What "the archive structure is sound" means for each kind of archive: a walk of every tar entry, or the
// closing line of a pg_dumpall dump. Each check is a Writable fed the decompressed bytes.
import { Writable } from 'node:stream';
import { Parser } from 'tar';
import type { ArchiveExt } from './names.js';
import { TailKeeper } from './measure.js';

export const PG_DUMPALL_CLOSING_LINE = '-- PostgreSQL database cluster dump complete';

export interface ContentCheck {
  sink: Writable;
  /** Entries found (tar) or null where the format has none; throws when the structure is broken. */
  result(): number | null;
}

/** Walks every tar entry; a bad header, a bad checksum or a truncated entry fails. */
function tarCheck(): ContentCheck {
  let entries = 0;
  let failure: Error | undefined;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry) => {
      entries += 1;
      entry.resume();
    },
  });
  parser.on('error', (error: Error) => {
    failure ??= error;
  });
  const ended = new Promise<void>((resolve) => parser.on('end', () => resolve()));
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (failure) return callback(failure);
      if (parser.write(chunk)) callback();
      else parser.once('drain', () => callback());
    },
    final(callback) {
      parser.end();
      ended.then(() => callback(failure ?? null), callback);
    },
  });
  return {
    sink,
    result: () => {
      if (failure) throw new Error(`tar structure: ${failure.message}`);
      return entries;
    },
  };
}

/** A SQL dump must end with pg_dumpall's closing line; anything else is a truncated dump. */
function sqlCheck(): ContentCheck {
  const tail = new TailKeeper(512);
  tail.resume();
  return {
    sink: tail,
    result: () => {
      if (!tail.text().includes(PG_DUMPALL_CLOSING_LINE)) {
        throw new Error(`the dump lacks pg_dumpall's closing line "${PG_DUMPALL_CLOSING_LINE}" (truncated dump)`);
      }
      return null;
    },
  };
}

export function contentCheckFor(ext: ArchiveExt): ContentCheck {
  return ext === 'tar.gz' ? tarCheck() : sqlCheck();
}
