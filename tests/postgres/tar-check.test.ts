// The per-database archive's format on its own: GNU tar reads what tar-members.ts writes (a long percent-encoded
// database name included), and the content check catches a member that is not a whole dump.
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perDatabaseCheck } from '../../src/targets/postgres/tar-check.js';
import {
  databaseMember,
  END_OF_ARCHIVE,
  GLOBALS_MEMBER,
  memberDatabase,
  memberHeader,
  padding,
} from '../../src/targets/postgres/tar-members.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { tmpDir } from '../helpers/tmp.js';

const enabled = requireBinaries('postgres archive format tests', { tar: findBinary('tar') });
const GLOBALS =
  '--\n-- PostgreSQL database cluster dump\n--\nCREATE ROLE app;\n\n-- PostgreSQL database cluster dump complete\n\n';

async function check(tar: Buffer): Promise<number | null> {
  const c = perDatabaseCheck();
  await new Promise<void>((resolve, reject) => {
    c.sink.once('error', reject);
    c.sink.end(tar, () => resolve());
  });
  return c.result();
}

/** A tar made by GNU tar from the given members. */
async function gnuTar(members: Record<string, string>): Promise<Buffer> {
  const dir = tmpDir();
  for (const [name, text] of Object.entries(members)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  await execa('tar', ['-cf', join(dir, 'out.tar'), '-C', dir, '--format=gnu', ...Object.keys(members)]);
  return readFileSync(join(dir, 'out.tar'));
}

describe.skipIf(!enabled)('per-database archive format', () => {
  it('GNU tar reads our members, long database names included, and the check counts them', async () => {
    const database = 'Zoë-日本語-'.repeat(4);
    const dump = Buffer.from('PGDMP\x01\x0e\x00 custom format body');
    const parts = [GLOBALS_MEMBER, databaseMember(database)].flatMap((name) => {
      const body = name === GLOBALS_MEMBER ? Buffer.from(GLOBALS) : dump;
      return [memberHeader(name, body.length, new Date('2024-01-01T00:00:00Z')), body, padding(body.length)];
    });
    const tar = Buffer.concat([...parts, END_OF_ARCHIVE]);
    const dir = tmpDir();
    writeFileSync(join(dir, 'a.tar'), tar);
    const listed = (await execa('tar', ['-tf', join(dir, 'a.tar')])).stdout.split('\n');
    expect(listed).toEqual([GLOBALS_MEMBER, databaseMember(database)]);
    expect(databaseMember(database).length).toBeGreaterThan(100);
    expect(memberDatabase(listed[1]!)).toBe(database);
    expect((await execa('tar', ['-xOf', join(dir, 'a.tar'), listed[1]!])).stdout).toBe(dump.toString());
    await expect(check(tar)).resolves.toBe(2);
  });

  it('rejects a dump without the custom-format magic, globals without the closing line, and a missing globals', async () => {
    const good = { [GLOBALS_MEMBER]: GLOBALS, 'databases/app.dump': 'PGDMP rest' };
    await expect(check(await gnuTar(good))).resolves.toBe(2);
    await expect(check(await gnuTar({ ...good, 'databases/app.dump': 'PGDM' }))).rejects.toThrow(
      'databases/app.dump is not a pg_dump custom-format dump (no PGDMP magic)',
    );
    await expect(check(await gnuTar({ ...good, [GLOBALS_MEMBER]: GLOBALS.slice(0, 60) }))).rejects.toThrow(
      "globals.sql lacks pg_dumpall's closing line",
    );
    await expect(check(await gnuTar({ 'databases/app.dump': 'PGDMP' }))).rejects.toThrow('the archive lacks globals.sql');
  });
});
