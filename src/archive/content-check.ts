// What "the archive structure is sound" means: a Writable fed the decompressed bytes, then a verdict. The tar walk
// lives here (tar is the pipeline's own container format); engine formats bring their own check from their
// target module (a dump's closing line, an RDB trailer, a SQLite integrity check).
import { Writable } from 'node:stream';
import { TarWalker } from './tar-walk.js';

export interface ContentCheck {
  sink: Writable;
  /** Entries found (tar) or null where the format has none; throws when the structure is broken. */
  result(): Promise<number | null>;
  /** Releases what the check holds (a temporary copy); called whether or not result() ran. */
  close?(): Promise<void>;
  /** What this check could not do here (shown beside the verdict), e.g. a deeper check skipped for an encrypted archive. */
  note?: string;
}

/** Whether the archive is age-encrypted: a check must then keep every decrypted byte off the disk. */
export interface CheckOptions {
  encrypted: boolean;
}

/** Which content check an archive gets: from its manifest's target type and the format in its name. */
export type ContentCheckResolver = (archive: {
  type: string | undefined;
  format: string;
  encrypted?: boolean;
}) => Promise<ContentCheck>;

/** What a format adds to the tar walk: it reads the same bytes, then says what is wrong, if anything. */
export interface TarMembersCheck {
  write(chunk: Buffer): void;
  problem(): string | undefined;
}

/**
 * Walks every tar entry (tar-walk.ts); a bad header, a bad checksum or a truncated stream fails. `members` (a
 * target's format inside the tar) reads the same bytes and has the last word.
 */
export function tarCheck(members?: TarMembersCheck): ContentCheck {
  const walker = new TarWalker();
  let entries: number | undefined;
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      try {
        walker.write(chunk);
        members?.write(chunk);
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
      if (entries === undefined) return Promise.reject(new Error('tar structure: the stream did not end'));
      const problem = members?.problem();
      return problem === undefined ? Promise.resolve(entries) : Promise.reject(new Error(problem));
    },
  };
}

/** Without a target module to ask: tar archives get the tar walk; any other format is refused, loudly. */
export const tarOnlyChecks: ContentCheckResolver = ({ format }) =>
  format === 'tar'
    ? Promise.resolve(tarCheck())
    : Promise.reject(new Error(`no content check for .${format} archives here (the target type's check is needed)`));

/** Feeds the same bytes to several checks and passes when one does (a file whose producer is not known). */
export function anyOfChecks(checks: readonly ContentCheck[]): ContentCheck {
  const failed = new Map<ContentCheck, Error>();
  const feed = (check: ContentCheck, act: (done: (error?: Error | null) => void) => void): Promise<void> =>
    failed.has(check)
      ? Promise.resolve()
      : new Promise((resolve) =>
          act((error) => {
            if (error) failed.set(check, error);
            resolve();
          }),
        );
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      void Promise.all(checks.map((c) => feed(c, (done) => c.sink.write(chunk, done)))).then(() => callback());
    },
    final(callback) {
      void Promise.all(
        checks.map((c) =>
          feed(c, (done) => {
            c.sink.once('error', done);
            c.sink.end(() => done());
          }),
        ),
      ).then(() => callback());
    },
  });
  return {
    sink,
    result: async () => {
      const errors: Error[] = [];
      for (const check of checks) {
        const early = failed.get(check);
        if (early) {
          errors.push(early);
          continue;
        }
        try {
          return await check.result();
        } catch (error) {
          errors.push(error as Error);
        }
      }
      throw new Error(errors.map((e) => e.message).join('; '));
    },
    close: async () => {
      for (const check of checks) await check.close?.();
    },
  };
}
