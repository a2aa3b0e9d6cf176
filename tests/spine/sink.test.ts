// The archive sink on its own: atomic names, no overwrite, nothing left behind on failure.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ArchiveWriter } from '../../src/archive/sink.js';
import { tmpDir } from '../helpers/tmp.js';
import { pgDumpallCheck } from '../../src/targets/postgres/dump.js';
import { testWriter } from '../helpers/writer.js';

const SQL_END = '-- PostgreSQL database cluster dump complete\n';

function writer(dir: string, now: Date): ArchiveWriter {
  return testWriter(dir, {
    target: 'db',
    type: 'postgres',
    now: () => now,
    redact: (text) => text.replaceAll('hunter2', '***'),
  });
}

describe('ArchiveWriter', () => {
  it('takes the next free second instead of overwriting an existing backup', async () => {
    const dir = tmpDir();
    const now = new Date('2026-01-02T03:04:05Z');
    const first = await writer(dir, now).write({
      format: 'sql',
      check: pgDumpallCheck,
      source: Readable.from([SQL_END]),
      describe: {},
    });
    const second = await writer(dir, now).write({
      format: 'sql',
      check: pgDumpallCheck,
      source: Readable.from([SQL_END]),
      describe: {},
    });
    expect(first.name).toBe('db-20260102T030405Z.sql.gz');
    expect(second.name).toBe('db-20260102T030406Z.sql.gz');
    expect(readdirSync(dir)).toHaveLength(6);
  });

  it('leaves nothing behind when the content check rejects the archive', async () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const truncated = writer(dir, new Date()).write({
      format: 'sql',
      check: pgDumpallCheck,
      source: Readable.from(['CREATE TABLE t();\n']),
      describe: {},
    });
    await expect(truncated).rejects.toThrow(/closing line/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('leaves nothing behind when the source fails midway', async () => {
    const dir = tmpDir();
    async function* failing() {
      yield Buffer.alloc(3 * 1024 * 1024, 7);
      throw new Error('source broke');
    }
    const result = writer(dir, new Date()).write({
      format: 'sql',
      check: pgDumpallCheck,
      source: Readable.from(failing()),
      describe: {},
    });
    await expect(result).rejects.toThrow(/source broke/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('masks secrets in the manifest', async () => {
    const dir = tmpDir();
    const info = await writer(dir, new Date()).write({
      format: 'sql',
      check: pgDumpallCheck,
      source: Readable.from([SQL_END]),
      describe: { command: 'pg_dumpall --password hunter2' },
    });
    const names = readdirSync(dir);
    expect(names).toContain(`${info.name}.json`);
    expect(readFileSync(join(dir, `${info.name}.json`), 'utf8')).not.toContain('hunter2');
  });
});
