// The target contract for sqlite targets (tests/conformance/contract.ts): a real sqlite3; the hanging source is
// a `sqlite3_command` that never ends.
import { execa } from 'execa';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { findBinary } from '../helpers/binaries.js';
import { mainInProcess } from '../helpers/in-process.js';
import { conformance } from './contract.js';

const SQLITE3 = findBinary('sqlite3');
const ROWS = 'SELECT id, hex(name), hex(data) FROM items ORDER BY id';

conformance({
  type: 'sqlite',
  binaries: { sqlite3: SQLITE3 },
  optOut: { secrets: 'it declares no secret keys' },
  async start(dir) {
    const db = join(dir, 'app.db');
    const sql = async (file: string, text: string) => (await execa(SQLITE3!, ['-bail', file, text])).stdout;
    await sql(
      db,
      `PRAGMA journal_mode=WAL; CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, data BLOB);
       INSERT INTO items VALUES (1, 'Zoë 日本語', x'00ff10'), (2, 'two', randomblob(64));`,
    );
    // Records its pid where the docker stand-in records its calls, then never ends.
    const hang = join(dir, 'sqlite3-hangs');
    writeFileSync(hang, `#!/bin/sh\nprintf '{"argv":["hanging"],"pid":%s}\\n' $$ >>"$DOCKER_FAKE_LOG"\nexec sleep 600\n`);
    chmodSync(hang, 0o755);
    return {
      good: `path: ${db}, sqlite3_command: ${SQLITE3}`,
      broken: `path: ${join(dir, 'missing.db')}, sqlite3_command: ${SQLITE3}`,
      hanging: `path: ${db}, sqlite3_command: ${hang}`,
      async roundTrip(archive, to) {
        const restored = await mainInProcess(['restore', archive, '--to', to]);
        expect(restored.exitCode, restored.stderr).toBe(0);
        expect(readdirSync(to)).toEqual(['good.db']);
        expect(await sql(join(to, 'good.db'), ROWS)).toBe(await sql(db, ROWS));
      },
    };
  },
});
