// What "the archive structure is sound" means for each kind of archive: a walk of every tar entry, or the
// closing line of a pg_dumpall dump. Each check is a Writable fed the decompressed bytes.
import { Writable } from 'node:stream';
import type { ArchiveExt } from './names.js';
import { TailKeeper } from './measure.js';
import { TarWalker } from './tar-walk.js';

export const PG_DUMPALL_CLOSING_LINE = '-- PostgreSQL database cluster dump complete';

export interface ContentCheck {
  sink: Writable;
  /** Entries found (tar) or null where the format has none; throws when the structure is broken. */
  result(): number | null;
}

/** Walks every tar entry (tar-walk.ts); a bad header, a bad checksum or a truncated stream fails. */
function tarCheck(): ContentCheck {
  const walker = new TarWalker();
  let entries: number | undefined;
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      try {
        walker.write(chunk);
        callback();
      } catch (error) {
        callback(new Error(`tar structure: ${(error as Error).message}`, { cause: error }));
      }
    },
    final(callback) {
      try {
        entries = walker.end();
        callback();
      } catch (error) {
        callback(new Error(`tar structure: ${(error as Error).message}`, { cause: error }));
      }
    },
  });
  return {
    sink,
    result: () => {
      if (entries === undefined) throw new Error('tar structure: the stream did not end');
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
  return ext.startsWith('tar.') ? tarCheck() : sqlCheck();
}
