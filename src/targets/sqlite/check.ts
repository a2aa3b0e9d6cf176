// The content check of `.db` archives: the decompressed bytes become a temporary database, and
// `PRAGMA integrity_check` must answer "ok"; the temporary copy is removed in every outcome. An encrypted archive's
// bytes never go to a temporary file: it gets the structure check in the stream (structure.ts).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { CheckOptions, ContentCheck } from '../../archive/content-check.js';
import { childEnv } from '../../exec/env.js';
import { structureCheck } from './structure.js';

export function integrityCheck(sqlite3: string, env: NodeJS.ProcessEnv): ContentCheck {
  const dir = mkdtempSync(join(tmpdir(), 'snapshotter-sqlite-check-'));
  const file = join(dir, 'check.db');
  const sink = createWriteStream(file, { mode: 0o600 });
  return {
    sink,
    result: async () => {
      const r = await execa(sqlite3, ['-bail', '-readonly', file, 'PRAGMA integrity_check;'], {
        env: childEnv(env),
        extendEnv: false,
        reject: false,
      });
      if (r.exitCode !== 0 || r.stdout.trim() !== 'ok') {
        throw new Error(
          `not a sound SQLite database: PRAGMA integrity_check said ${JSON.stringify((r.stdout || r.stderr).trim().slice(0, 500))}`,
        );
      }
      return null;
    },
    close: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

/** The check a `.db` archive gets: integrity_check on a temporary copy, or the structure check when encrypted. */
export function sqliteCheck(sqlite3: string, env: NodeJS.ProcessEnv, options?: CheckOptions): ContentCheck {
  return options?.encrypted ? structureCheck() : integrityCheck(sqlite3, env);
}
