// A parallel pg_restore (--jobs N) reads its dump from a file: for an encrypted archive that file would be a
// decrypted copy on disk, so the restore is refused before anything is read, and says how to restore instead.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writerIdentity } from '../../src/archive/encrypt-check.js';
import { restoreDatabase } from '../../src/targets/postgres/restore-database.js';
import type { PostgresTarget } from '../../src/targets/postgres/schema.js';

describe('restoring one database of an encrypted per-database archive', () => {
  it('refuses --jobs 2 (it would need a decrypted dump on disk) and names the way out', async () => {
    const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const config = { name: 'db', type: 'postgres', databases: ['app'] } as unknown as PostgresTarget;
    const ctx = {
      request: { database: 'app', jobs: 2 },
      target: 'db',
      logger: console,
      signal: new AbortController().signal,
      redactor: { redact: (text: string) => text },
      env: {},
      stdout: discard,
      stderr: discard,
    } as unknown as Parameters<typeof restoreDatabase>[0];
    const archive = {
      path: '/nonexistent/db-20261201T000000Z.tar.age',
      ext: 'tar',
      format: 'tar',
      identity: await writerIdentity(randomBytes(16)),
    };
    await expect(restoreDatabase(ctx, config, archive as Parameters<typeof restoreDatabase>[2])).rejects.toThrow(
      /--jobs 2: a parallel pg_restore reads the dump from a file, and an encrypted archive is never decrypted to disk; restore with one job/,
    );
  });
});
