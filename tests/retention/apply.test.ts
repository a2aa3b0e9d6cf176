// Pruning a real target folder: backups written by the real archive sink at chosen times, foreign files beside
// them, and what a crash between the deletions leaves behind.
import { existsSync, mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/archive/catalog.js';
import { removeStaleFiles } from '../../src/orchestrator/stale.js';
import { planPrune, pruneTarget } from '../../src/retention/apply.js';
import { tmpDir } from '../helpers/tmp.js';
import { testWriter } from '../helpers/writer.js';

/** Writes one complete sql.gz backup of `target` stamped at `iso`; returns its archive name. */
async function backupAt(dir: string, target: string, iso: string): Promise<string> {
  const writer = testWriter(dir, {
    target,
    type: 'test',
    compressionLevel: 1,
    verifyAfterWrite: false,
    now: () => new Date(iso),
  });
  const info = await writer.write({ format: 'sql', source: Readable.from([`dump of ${iso}\n`]), describe: {} });
  return info.name;
}

const FOREIGN = [
  'notes.txt',
  'db-20000101T000000Z.sql.gz',
  '.hidden',
  'other-20000101T000000Z.sql.gz',
  'db-20000102T000000Z.sql.gz.json',
];

/** `<backup_dir>/db` with complete backups at these times and the foreign files. */
async function folder(times: string[]): Promise<{ root: string; dir: string; names: string[] }> {
  const root = tmpDir();
  const dir = join(root, 'db');
  mkdirSync(dir);
  const names: string[] = [];
  for (const t of times) names.push(await backupAt(dir, 'db', t));
  for (const f of FOREIGN) writeFileSync(join(dir, f), 'not a backup of ours\n');
  return { root, dir, names };
}

describe('pruneTarget', () => {
  it('deletes exactly the backups the policy drops (all three files) and leaves every other file alone', async () => {
    const { dir, names } = await folder([
      '2021-01-01T10:00:00Z',
      '2021-01-02T10:00:00Z',
      '2021-01-02T20:00:00Z',
      '2021-01-03T10:00:00Z',
    ]);
    const before = readdirSync(dir).sort();

    const plan = await pruneTarget(dir, 'db', { keep_daily: 2 }, { dryRun: true });
    expect(plan.decision.remove.map((b) => b.name)).toEqual([names[1], names[0]]);
    expect(plan.deleted).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(plan.incomplete.map((b) => b.name)).toEqual(['db-20000101T000000Z.sql.gz']); // archive-looking, no sidecar

    const done = await pruneTarget(dir, 'db', { keep_daily: 2 }, { dryRun: false });
    expect(done.deleted).toEqual([names[1], names[0]]);
    const gone = [names[0]!, names[1]!].flatMap((n) => [n, `${n}.sha256`, `${n}.json`]);
    expect(readdirSync(dir).sort()).toEqual(before.filter((n) => !gone.includes(n)));
    for (const f of FOREIGN) expect(existsSync(join(dir, f)), f).toBe(true);
  });

  it('an empty policy deletes nothing', async () => {
    const { dir } = await folder(['2021-01-01T10:00:00Z', '2021-01-02T10:00:00Z']);
    const before = readdirSync(dir).sort();
    expect((await pruneTarget(dir, 'db', {}, { dryRun: false })).deleted).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('never deletes the backup a run just wrote, even when a later-stamped backup exists (clock went back)', async () => {
    const { dir, names } = await folder(['2030-06-01T00:00:00Z', '2021-01-01T00:00:00Z']);
    const outcome = await pruneTarget(dir, 'db', { keep_last: 1 }, { dryRun: false, pinned: [names[1]!] });
    expect(outcome.deleted).toEqual([]);
    expect(outcome.decision.keep.map((k) => [k.backup.name, k.reasons.map((r) => r.rule)])).toEqual([
      [names[0], ['keep_last']],
      [names[1], ['new_backup']],
    ]);
  });

  it('a missing folder holds nothing to prune', async () => {
    const outcome = await pruneTarget(join(tmpDir(), 'absent'), 'db', { keep_last: 1 }, { dryRun: false });
    expect(outcome).toMatchObject({ deleted: [], decision: { keep: [], remove: [] } });
  });

  it('planPrune counts the backup a run would write and never deletes it', async () => {
    const { dir, names } = await folder(['2021-01-01T10:00:00Z', '2021-01-02T10:00:00Z']);
    const plan = await planPrune(dir, 'db', { keep_last: 2 }, { name: '(new)', time: new Date('2021-01-03T10:00:00Z') });
    expect(plan.decision.keep.map((k) => k.backup.name)).toEqual(['(new)', names[1]]);
    expect(plan.decision.remove.map((b) => b.name)).toEqual([names[0]]);
  });

  it('a crash after the archive went leaves no complete-looking backup, and the next locked run clears the rest', async () => {
    const { root, dir, names } = await folder(['2021-01-01T10:00:00Z', '2021-01-02T10:00:00Z']);
    unlinkSync(join(dir, names[0]!)); // what a crash right after the first deletion leaves
    expect((await readCatalog(dir, 'db')).complete.map((b) => b.name)).toEqual([names[1]]);
    const removed = await removeStaleFiles(root, ['db']);
    expect(removed.map((p) => p.slice(dir.length + 1)).sort()).toEqual([`${names[0]}.json`, `${names[0]}.sha256`]);
    for (const f of FOREIGN) expect(existsSync(join(dir, f)), f).toBe(true);
  });
});
