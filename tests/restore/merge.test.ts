// Moving a finished staging folder into DIR with --force: merge folders, replace files and links (never follow
// them), and refuse a file-over-folder conflict before anything moves.
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeStaging, RestoreConflictError } from '../../src/restore/merge.js';
import { RestorePlan } from '../../src/restore/plan.js';
import { tmpDir } from '../helpers/tmp.js';

describe('mergeStaging', () => {
  it('merges folders, replaces files and links in the way, and never writes through a link', async () => {
    const root = tmpDir();
    const [staging, dir, outside] = ['staging', 'dir', 'outside'].map((n) => join(root, n)) as [string, string, string];
    for (const d of [staging, dir, outside, join(staging, 'etc'), join(staging, 'srv'), join(dir, 'etc')]) mkdirSync(d);
    writeFileSync(join(staging, 'etc', 'app.conf'), 'restored\n');
    writeFileSync(join(staging, 'srv', 'data'), 'restored\n');
    writeFileSync(join(dir, 'etc', 'app.conf'), 'old\n');
    writeFileSync(join(dir, 'etc', 'other'), 'kept\n');
    symlinkSync(outside, join(dir, 'srv'));

    await mergeStaging(staging, dir);
    expect(readFileSync(join(dir, 'etc', 'app.conf'), 'utf8')).toBe('restored\n');
    expect(readFileSync(join(dir, 'etc', 'other'), 'utf8')).toBe('kept\n');
    expect(lstatSync(join(dir, 'srv')).isDirectory()).toBe(true);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses a file where DIR has a folder, before moving anything', async () => {
    const root = tmpDir();
    const [staging, dir] = ['staging', 'dir'].map((n) => join(root, n)) as [string, string];
    for (const d of [staging, dir, join(staging, 'a'), join(dir, 'a'), join(dir, 'a', 'b')]) mkdirSync(d);
    writeFileSync(join(staging, 'first'), 'x');
    writeFileSync(join(staging, 'a', 'b'), 'file where a folder is');
    await expect(mergeStaging(staging, dir)).rejects.toThrow(RestoreConflictError);
    expect(readdirSync(dir)).toEqual(['a']);
    expect(lstatSync(join(dir, 'a', 'b')).isDirectory()).toBe(true);
  });
});

describe('RestorePlan replacing a link by a folder', () => {
  it('a folder entry after a link of the same name replaces the link; entries below then go into the real folder', () => {
    const plan = new RestorePlan([]);
    plan.decide({ name: 'escape', type: 'SymbolicLink', linkpath: '/' });
    expect(plan.decide({ name: 'escape/', type: 'Directory' })).toMatchObject({ kind: 'dir', replace: true });
    expect(plan.decide({ name: 'escape/file', type: 'File' })).toMatchObject({ kind: 'file', parents: [], replace: false });
  });
});
