// Foreign entries in a target folder and stale-file cleanup, on real files: nothing that is not ours (a folder named
// like a manifest, garbage JSON, a dangling link, a person's notes named like a sidecar, a live run's temp file)
// blinds the catalog or is deleted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/archive/catalog.js';
import { TEMP_MARKER } from '../../src/archive/names.js';
import { currentOwner } from '../../src/archive/temp-owner.js';
import { removeStaleFiles } from '../../src/orchestrator/stale.js';
import { pruneTarget } from '../../src/retention/apply.js';
import { tmpDir } from '../helpers/tmp.js';
import { testWriter } from '../helpers/writer.js';

async function backupAt(dir: string, iso: string): Promise<string> {
  const writer = testWriter(dir, { target: 'db', verifyAfterWrite: false, now: () => new Date(iso) });
  return (await writer.write({ format: 'sql', source: Readable.from([`dump ${iso}\n`]), describe: {} })).name;
}

/** A pid that ran and is gone: a child that exited and was reaped. */
const deadPid = (): number => spawnSync('true').pid;

describe('foreign entries do not blind a target', () => {
  it('lists each as not a backup with its reason, and retention carries on', async () => {
    const dir = join(tmpDir(), 'db');
    mkdirSync(dir);
    const good = [await backupAt(dir, '2021-01-01T00:00:00Z'), await backupAt(dir, '2021-01-02T00:00:00Z')];
    writeFileSync(join(dir, 'db-20210103T000000Z.sql.gz'), 'x');
    writeFileSync(join(dir, 'db-20210103T000000Z.sql.gz.sha256'), `${'0'.repeat(64)}  db-20210103T000000Z.sql.gz\n`);
    mkdirSync(join(dir, 'db-20210103T000000Z.sql.gz.json')); // a folder named like a manifest
    writeFileSync(join(dir, 'db-20210104T000000Z.sql.gz'), 'x');
    writeFileSync(join(dir, 'db-20210104T000000Z.sql.gz.sha256'), `${'0'.repeat(64)}  db-20210104T000000Z.sql.gz\n`);
    writeFileSync(join(dir, 'db-20210104T000000Z.sql.gz.json'), '{ garbage');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'db-20210105T000000Z.sql.gz')); // dangling link

    const catalog = await readCatalog(dir, 'db');
    expect(catalog.complete.map((b) => b.name)).toEqual([...good].reverse());
    expect(Object.fromEntries(catalog.incomplete.map((b) => [b.name, b.reason]))).toEqual({
      'db-20210105T000000Z.sql.gz': 'unreadable: ENOENT',
      'db-20210104T000000Z.sql.gz': 'manifest is not a snapshotter manifest (not JSON, or fields missing)',
      'db-20210103T000000Z.sql.gz': 'manifest db-20210103T000000Z.sql.gz.json is not a regular file',
    });
    const outcome = await pruneTarget(dir, 'db', { keep_last: 1 }, { dryRun: false });
    expect(outcome.deleted).toEqual([good[0]]);
    expect(existsSync(join(dir, 'db-20210103T000000Z.sql.gz.json'))).toBe(true);
  });
});

describe('stale-file cleanup', () => {
  it('deletes a temp file only when its process is provably gone (same host; other boot or no such pid)', async () => {
    const root = tmpDir();
    const dir = join(root, 'db');
    mkdirSync(dir);
    const me = currentOwner();
    const temp = (owner: string): string => `.db-20210101T000000Z.sql.gz${TEMP_MARKER}${owner}-abc123`;
    const names = {
      live: temp(`${me.host}.${me.boot}.1`), // pid 1 runs
      mine: temp(`${me.host}.${me.boot}.${process.pid}`),
      dead: temp(`${me.host}.${me.boot}.${deadPid()}`),
      otherBoot: temp(`${me.host}.deadbeef.1`),
      otherHost: temp(`deadbeef.${me.boot}.${deadPid()}`),
      legacyDead: temp(String(deadPid())),
    };
    for (const name of Object.values(names)) writeFileSync(join(dir, name), 'partial');
    writeFileSync(join(root, names.dead), 'partial');
    const removed = await removeStaleFiles(root, ['db']);
    expect(removed.sort()).toEqual(
      [join(root, names.dead), join(dir, names.dead), join(dir, names.otherBoot), join(dir, names.legacyDead)].sort(),
    );
    expect(readdirSync(dir).sort()).toEqual([names.live, names.mine, names.otherHost].sort());
  });

  it('deletes a lone sidecar only when it is exactly a checksum line naming the absent archive', async () => {
    const root = tmpDir();
    const dir = join(root, 'db');
    mkdirSync(dir);
    const orphan = 'db-20210101T000000Z.sql.gz';
    const notes = 'db-20210102T000000Z.sql.gz';
    const other = 'db-20210103T000000Z.sql.gz';
    writeFileSync(join(dir, `${orphan}.sha256`), `${'a'.repeat(64)}  ${orphan}\n`);
    writeFileSync(join(dir, `${notes}.sha256`), 'checksums to compare after the migration, do not delete\n');
    writeFileSync(join(dir, `${other}.sha256`), `${'a'.repeat(64)}  ${orphan}\n`); // names another archive
    mkdirSync(join(dir, 'db-20210104T000000Z.sql.gz.json')); // a folder named like an orphan manifest
    const removed = await removeStaleFiles(root, ['db']);
    expect(removed).toEqual([join(dir, `${orphan}.sha256`)]);
    expect(readdirSync(dir).sort()).toEqual([`${notes}.sha256`, `${other}.sha256`, 'db-20210104T000000Z.sql.gz.json']);
  });
});
