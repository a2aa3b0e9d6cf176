import fc from 'fast-check';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { OwnRoleFilter, existingRoleStatements } from '../../src/targets/postgres/own-role.js';

const DUMP = [
  '--',
  '-- PostgreSQL database cluster dump',
  '--',
  'DROP ROLE IF EXISTS "Zoë";',
  'DROP ROLE IF EXISTS postgres;',
  'CREATE ROLE "Zoë";',
  'ALTER ROLE "Zoë" WITH LOGIN PASSWORD \'x\';',
  'CREATE ROLE postgres;',
  'ALTER ROLE postgres WITH SUPERUSER;',
  'CREATE ROLE postgres_reader;',
  '\\connect template1',
  'CREATE ROLE postgres;',
  "INSERT INTO t VALUES ('日本語');",
  '-- PostgreSQL database cluster dump complete',
  '',
].join('\n');

async function filtered(role: string, chunks: Buffer[], existing: string[] = []): Promise<{ text: string; skipped: string[] }> {
  const filter = new OwnRoleFilter(existingRoleStatements(role, existing));
  const out = await buffer(Readable.from(chunks).pipe(filter));
  return { text: out.toString('utf8'), skipped: filter.skipped };
}

function split(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((x, y) => x - y);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(data.subarray(from, p));
    from = p;
  }
  parts.push(data.subarray(from));
  return parts.filter((p) => p.length > 0);
}

describe('OwnRoleFilter', () => {
  it("leaves out only the restoring role's CREATE/DROP ROLE, in the roles section, however the bytes are cut", async () => {
    const expected = DUMP.replace('DROP ROLE IF EXISTS postgres;\n', '').replace('CREATE ROLE postgres;\nALTER', 'ALTER');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
        const { text, skipped } = await filtered('postgres', split(Buffer.from(DUMP), cuts));
        expect(text).toBe(expected);
        expect(skipped).toEqual(['DROP ROLE IF EXISTS postgres;', 'CREATE ROLE postgres;']);
      }),
      { numRuns: 200 },
    );
  });

  it('matches quoted role names as pg_dumpall writes them', async () => {
    const { skipped } = await filtered('Zoë', [Buffer.from(DUMP)]);
    expect(skipped).toEqual(['DROP ROLE IF EXISTS "Zoë";', 'CREATE ROLE "Zoë";']);
  });
  it("leaves out CREATE ROLE for the server's existing roles only, and keeps their ALTER ROLE", async () => {
    const dump = Buffer.from(
      [
        'CREATE ROLE app;',
        'ALTER ROLE app WITH LOGIN;',
        'CREATE ROLE app_2;',
        'CREATE ROLE "Zoë";',
        '\\connect app',
        'CREATE ROLE app;',
        '',
      ].join('\n'),
    );
    const { text, skipped } = await filtered('postgres', [dump], ['app', 'Zoë', 'pg_monitor']);
    expect(skipped).toEqual(['CREATE ROLE app;', 'CREATE ROLE "Zoë";']);
    expect(text).toBe(['ALTER ROLE app WITH LOGIN;', 'CREATE ROLE app_2;', '\\connect app', 'CREATE ROLE app;', ''].join('\n'));
  });
});
