// Back up an awkward tree with the CLI, restore it with the CLI, and compare entry by entry. One backup of the tree
// (made once, only read) serves the tests that restore it; the first restore is a process of its own, the others
// call the CLI's main() in this process (tests/helpers/in-process.ts: the same command, parsing and output).
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';
import { gnuTar, snapshotTree, wrapArchive } from './helpers.js';

const LONG_NAME = `${'long-name-'.repeat(12)}end.txt`; // 127 bytes: beyond ustar's 100-byte name field
const DEEP = Array.from({ length: 14 }, (_, i) => `level-${String(i).padStart(2, '0')}-abcdefghijklmnop`).join('/');

/** The spine's kind of awkward tree, with fixed past mtimes on everything. */
function makeTree(root: string): void {
  const src = join(root, 'src');
  mkdirSync(join(src, 'with space'), { recursive: true });
  writeFileSync(join(src, 'with space', 'file one.txt'), 'one\n');
  mkdirSync(join(src, 'non-ascii'));
  writeFileSync(join(src, 'non-ascii', '日本語-ñé ü.txt'), 'ünïcødé\n');
  writeFileSync(join(src, LONG_NAME), 'long\n');
  mkdirSync(join(src, DEEP), { recursive: true });
  writeFileSync(join(src, DEEP, 'deep.txt'), 'deep\n');
  writeFileSync(join(src, 'empty.txt'), '');
  mkdirSync(join(src, 'empty-dir'));
  writeFileSync(join(src, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  chmodSync(join(src, 'run.sh'), 0o755);
  writeFileSync(join(src, 'secret.txt'), 'secret\n');
  chmodSync(join(src, 'secret.txt'), 0o600);
  writeFileSync(join(src, 'big.bin'), randomBytes(3 * 1024 * 1024 + 17));
  writeFileSync(join(src, 'hard-a'), 'shared inode\n');
  linkSync(join(src, 'hard-a'), join(src, 'hard-b'));
  symlinkSync('with space/file one.txt', join(src, 'link-rel'));
  symlinkSync('/etc/hostname', join(src, 'link-abs'));
  symlinkSync('../nowhere/missing', join(src, 'link-dangling'));
  symlinkSync('non-ascii', join(src, 'link-dir'));
  mkdirSync(join(src, 'ro-dir'));
  writeFileSync(join(src, 'ro-dir', 'inside.txt'), 'inside\n');
  chmodSync(join(src, 'ro-dir'), 0o555);
  chmodSync(join(src, 'with space'), 0o750);
  setTimes(src, new Date('2021-03-04T05:06:07Z'));
}

/** Past mtimes, children before their folder (writing a child changes the folder's mtime). */
function setTimes(path: string, time: Date): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return lutimesSync(path, time, time);
  if (st.isDirectory()) for (const name of readdirSync(path)) setTimes(join(path, name), new Date(time.getTime() - 3_600_000));
  utimesSync(path, time, time);
}

function writeConfig(root: string): string {
  const config = join(root, 'snapshotter.yaml');
  writeFileSync(
    config,
    `backup_dir: ${root}/backups\ntargets:\n  - name: files\n    type: filesystem\n    paths: [${root}/src]\n`,
  );
  return config;
}

async function backup(config: string): Promise<string> {
  const result = await runCli(['run', '-c', config]);
  expect(result.exitCode, result.stderr).toBe(0);
  const dir = join(config, '..', 'backups', 'files');
  const archives = readdirSync(dir)
    .filter((n) => n.endsWith('.tar.gz'))
    .sort();
  return join(dir, archives[archives.length - 1]!);
}

describe('restore ARCHIVE --to DIR (round trip)', () => {
  // The tree and its backup, shared by the tests that only read them (each restores into a folder of its own).
  let root: string;
  let archive: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'snapshotter-round-trip-'));
    makeTree(root);
    archive = await backup(writeConfig(root));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('restores every entry as stored: content, modes, mtimes, link targets, hard links', async () => {
    const out = join(tmpDir(), 'out');

    const result = await runCli(['restore', archive, '--to', out]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/restored \d+ entries/);
    expect(result.stderr).not.toMatch(/\r/); // no progress line without a terminal

    const restoredSrc = join(out, root.slice(1), 'src');
    const before = snapshotTree(join(root, 'src'));
    const after = snapshotTree(restoredSrc);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [rel, node] of before) expect({ rel, ...after.get(rel) }).toEqual({ rel, ...node });
    expect(before.size).toBeGreaterThan(30);
    expect(after.get(LONG_NAME)?.sha256).toBe(before.get(LONG_NAME)?.sha256);
    expect(after.get(`${DEEP}/deep.txt`)?.type).toBe('file');
    expect(statSync(join(restoredSrc, 'hard-a')).ino).toBe(statSync(join(restoredSrc, 'hard-b')).ino);
    expect(readdirSync(out)).toEqual([root.split('/')[1]]); // no staging folder left behind

    // GNU tar, an independent reader, sees the same names the restore wrote.
    const listed = gnuTar(['-tzf', archive]).split('\n').filter(Boolean);
    for (const name of listed) expect(existsSync(join(out, name)) || lstatSync(join(out, name)).isSymbolicLink()).toBe(true);
  });

  it('--path restores just that subtree; --dry-run lists and writes nothing', async () => {
    const sub = `${root}/src/with space`;
    const work = tmpDir();

    const dry = await mainInProcess(['restore', archive, '--to', join(work, 'dry'), '--dry-run', '--path', sub]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`${work}/dry${sub}/file one.txt (4 B)`);
    expect(dry.stdout).not.toContain('non-ascii');
    expect(existsSync(join(work, 'dry'))).toBe(false);

    const out = join(work, 'out');
    const result = await mainInProcess(['restore', archive, '--to', out, '--path', sub]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect([...snapshotTree(join(out, root.slice(1), 'src')).keys()]).toEqual(['with space', 'with space/file one.txt']);
    expect(readFileSync(join(out, sub.slice(1), 'file one.txt'), 'utf8')).toBe('one\n');

    const none = await mainInProcess(['restore', archive, '--to', join(work, 'none'), '--path', '/no/such/path']);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('--path /no/such/path: no entry of the archive lies there');
    expect(existsSync(join(work, 'none'))).toBe(false);
  });

  it('--latest --target NAME picks the newest complete backup', async () => {
    const root = tmpDir();
    makeTree(root);
    const config = writeConfig(root);
    await backup(config);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // archive names have whole-second stamps
    writeFileSync(join(root, 'src', 'empty.txt'), 'now with content\n');
    const newest = await backup(config);
    writeFileSync(`${newest.replace(/\d{8}T\d{6}Z/, '29990101T000000Z')}`, 'not a backup: no sidecar, no manifest');

    const out = join(root, 'out');
    const result = await mainInProcess(['restore', '--latest', '--target', 'files', '-c', config, '--to', out]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(newest);
    expect(readFileSync(join(out, root.slice(1), 'src', 'empty.txt'), 'utf8')).toBe('now with content\n');
  });

  it('refuses a non-empty DIR without --force; with --force merges and replaces a symlink instead of following it', async () => {
    const work = tmpDir();
    const outside = join(work, 'outside');
    mkdirSync(outside);
    const out = join(work, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine\n');
    const top = root.split('/')[1]!;
    symlinkSync(outside, join(out, top)); // DIR/<top> -> a folder outside DIR

    const refused = await mainInProcess(['restore', archive, '--to', out]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('is not empty');
    expect(readdirSync(out).sort()).toEqual(['keep.txt', top].sort());

    const forced = await mainInProcess(['restore', archive, '--to', out, '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readdirSync(outside)).toEqual([]);
    expect(lstatSync(join(out, top)).isDirectory()).toBe(true);
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(out, root.slice(1), 'src', 'run.sh'))).toBe(true);
  });

  it('prints the TSDB restore steps for a prometheus archive', async () => {
    const root = tmpDir();
    const block = join(root, 'snap', '01HZZZZZZZZZZZZZZZZZZZZZZZ');
    mkdirSync(join(block, 'chunks'), { recursive: true });
    writeFileSync(join(block, 'meta.json'), '{"ulid":"01HZZZZZZZZZZZZZZZZZZZZZZZ"}');
    writeFileSync(join(block, 'chunks', '000001'), 'chunk');
    gnuTar(['-czf', join(root, 'p.tar.gz'), '-C', join(root, 'snap'), '.']);
    const archive = await wrapArchive(join(root, 'p.tar.gz'), root, {
      target: 'metrics',
      type: 'prometheus',
      source: { data_dir: '/var/lib/prometheus' },
    });
    const result = await mainInProcess(['restore', archive, '--to', join(root, 'out')]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('stop Prometheus');
    expect(result.stdout).toContain('/var/lib/prometheus');
    expect(result.stdout).toContain(`from ${join(root, 'out')}`);
  });
});
