// The filesystem target on trees that break naive walkers, read back by GNU tar and by `snapshotter restore`:
// names that are not UTF-8, snapshotter's own backup folder inside the backed-up path, a configured path with
// `..` and `//`, a tree deeper than PATH_MAX, device numbers, nanosecond mtimes, owner names, sparse files.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const b = (text: string): Buffer => Buffer.from(text, 'latin1');
/** `dir/name` with a name given as bytes (a latin1 string). */
const at = (dir: string, name: string): Buffer => Buffer.concat([Buffer.from(`${dir}/`), b(name)]);

/** Every path under `root` (relative, as bytes in latin1 form), folders with a trailing `/`. */
function listTree(root: Buffer, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root, { encoding: 'buffer' })) {
    const path = Buffer.concat([root, b('/'), name]);
    const rel = prefix + name.toString('latin1');
    if (lstatSync(path).isDirectory()) out.push(`${rel}/`, ...listTree(path, `${rel}/`));
    else out.push(rel);
  }
  return out;
}

/** GNU tar's listing of an archive, names byte for byte. */
function tarList(archive: string, verbose = false): string[] {
  const out = execFileSync('tar', [verbose ? '-tvzf' : '-tzf', archive, '--quoting-style=literal'], { encoding: 'latin1' });
  return out.split('\n').filter((line) => line !== '');
}

function archives(dir: string, target: string): string[] {
  return readdirSync(join(dir, target))
    .filter((n) => n.endsWith('.tar.gz'))
    .sort()
    .map((n) => join(dir, target, n));
}

describe('filesystem names, own files, normalised paths, devices, owners, deep trees', () => {
  let dir: string;
  let source: string;
  let deep: string;
  let backups: string;
  let first: { exitCode: number; stdout: string; stderr: string };
  const DEEP_LEVELS = 40; // 40 × 121 bytes: a path of ~4.9 KB, beyond PATH_MAX (4096)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snapshotter-names-')); // one tree for the file; rm -r copes with its depth
    source = join(dir, 'source');
    backups = join(source, 'backups'); // inside the backed-up path
    mkdirSync(at(source, 'dir\xfe/sub\xe9'), { recursive: true });
    writeFileSync(at(source, 'caf\xe9.txt'), 'latin-1 name\n');
    writeFileSync(at(source, 'a\xff'), 'ff\n');
    writeFileSync(at(source, 'a\xef\xbf\xbd'), 'U+FFFD in UTF-8\n');
    writeFileSync(at(source, 'dir\xfe/inner.txt'), 'inside a non-UTF-8 folder\n');
    writeFileSync(at(source, 'dir\xfe/sub\xe9/deeper'), 'deeper\n');
    symlinkSync(b('caf\xe9.txt'), at(source, 'link\xe9'));
    execFileSync('mknod', [join(source, 'null-ish'), 'c', '1', '300']);
    writeFileSync(join(source, 'ns.txt'), 'nanoseconds\n');
    writeFileSync(at(source, 'ns\xe9.txt'), 'nanoseconds in a PAX header\n');
    execFileSync('bash', ['-c', `touch -d @1700000000.999999999 ns.txt "$(printf 'ns\\351.txt')"`], { cwd: source });
    writeFileSync(join(source, 'stranger.txt'), 'owned by an id without a name\n');
    execFileSync('chown', ['54321:54321', join(source, 'stranger.txt')]);
    writeFileSync(join(source, 'sparse.bin'), '');
    execFileSync('truncate', ['-s', '16M', join(source, 'sparse.bin')]);
    deep = join(dir, 'deep');
    mkdirSync(deep);
    const level = 'd'.repeat(120);
    execFileSync('bash', [
      '-c',
      `set -e; cd "$1"; for i in $(seq ${DEEP_LEVELS}); do mkdir ${level}; cd ${level}; [ $i = 20 ] && echo mid > mid.txt; done; echo leaf > leaf.txt`,
      '_',
      deep,
    ]);
    writeFileSync(
      join(dir, 'snapshotter.yaml'),
      `backup_dir: ${backups}
targets:
  - name: names
    type: filesystem
    paths: ["${dir}/./source/../source//"]
  - name: deep
    type: filesystem
    paths: ["${deep}"]
`,
    );
    first = await runCli(['run', '-c', join(dir, 'snapshotter.yaml'), '--json']);
  }, 120_000);
  afterAll(() => execFileSync('rm', ['-rf', dir]));

  it('backs up every name byte-exact (GNU tar lists the same bytes) and restores them byte-exact', async () => {
    expect(first.exitCode, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { targets: { name: string; warnings: unknown[] }[] };
    for (const target of report.targets) expect(target.warnings, target.name).toEqual([]);

    const [archive] = archives(backups, 'names');
    const expected = listTree(Buffer.from(source))
      .filter((rel) => rel !== 'backups/' && !rel.startsWith('backups/'))
      .map((rel) => `${source.slice(1)}/${rel}`);
    const listed = tarList(archive!);
    // normalised: stored as `…/source/…`, never `…/./source/../source/…`; the folder itself is the first entry
    expect(listed[0]).toBe(`${source.slice(1)}/`);
    expect(listed.slice(1).sort()).toEqual(expected.sort());

    const out = join(dir, 'restored');
    const restored = await runCli(['restore', archive!, '--to', out]);
    expect(restored.exitCode, restored.stderr).toBe(0);
    const back = join(out, source.slice(1));
    const devices = new Set(['null-ish']); // device nodes are stored, not restored
    expect(listTree(Buffer.from(back)).sort()).toEqual(
      listTree(Buffer.from(source))
        .filter((rel) => !rel.startsWith('backups') && !devices.has(rel))
        .sort(),
    );
    for (const name of ['caf\xe9.txt', 'a\xff', 'a\xef\xbf\xbd', 'dir\xfe/sub\xe9/deeper']) {
      expect(readFileSync(at(back, name)).equals(readFileSync(at(source, name))), name).toBe(true);
    }
    expect(readFileSync(at(back, 'link\xe9')).toString()).toBe('latin-1 name\n');
    const sparse = lstatSync(join(back, 'sparse.bin'));
    expect(sparse.size).toBe(16 * 1024 * 1024);
    expect(sparse.blocks * 512).toBeLessThan(1024 * 1024); // restored with holes
  });

  it('stores Linux device numbers, exact mtimes and owner names as GNU tar shows them', () => {
    const [archive] = archives(backups, 'names');
    const verbose = tarList(archive!, true);
    const line = (name: string): string => verbose.find((l) => l.endsWith(`/${name}`)) ?? `(no ${name})`;
    expect(line('null-ish')).toMatch(/^crw\S* root\/root +1,300 /);
    expect(line('stranger.txt')).toMatch(/^-\S* 54321\/54321 /);
    expect(line('caf\xe9.txt')).toMatch(/^-\S* root\/root /);
    const full = execFileSync('tar', ['-tvzf', archive!, '--full-time', '--utc', '--quoting-style=literal'], {
      encoding: 'latin1',
    });
    // 1700000000.999999999: never rounded up to :21; a PAX header keeps every nanosecond
    expect(full).toMatch(/2023-11-14 22:13:20 +\S*\/ns\.txt/);
    expect(full).toMatch(/2023-11-14 22:13:20\.999999999 +\S*\/ns\xe9\.txt/);
  });

  it('leaves its own backup folder out of every run, with one info line and no warning', async () => {
    expect(first.stderr).toContain("left snapshotter's own files out of the backup");
    const second = await runCli(['run', '-c', join(dir, 'snapshotter.yaml'), '--target', 'names']);
    expect(second.exitCode, second.stderr).toBe(0);
    const all = archives(backups, 'names');
    expect(all).toHaveLength(2);
    const listed = tarList(all[1]!);
    expect(listed.filter((name) => name.includes('/backups'))).toEqual([]);
  });

  it('walks a tree deeper than PATH_MAX; GNU tar lists every file of it', () => {
    const [archive] = archives(backups, 'deep');
    const listed = tarList(archive!);
    const level = 'd'.repeat(120);
    const leaf = `${deep.slice(1)}/${Array.from({ length: DEEP_LEVELS }, () => level).join('/')}/leaf.txt`;
    expect(leaf.length).toBeGreaterThan(4096);
    expect(listed).toContain(leaf);
    expect(listed).toContain(`${deep.slice(1)}/${Array.from({ length: 20 }, () => level).join('/')}/mid.txt`);
    expect(listed).toHaveLength(1 + DEEP_LEVELS + 2);
    const content = execFileSync('tar', ['-xzOf', archive!, leaf], { encoding: 'utf8' });
    expect(content).toBe('leaf\n');
  });

  it('restores a tree deeper than PATH_MAX whole', async () => {
    const [archive] = archives(backups, 'deep');
    const out = join(dir, 'restored-deep');
    const restored = await runCli(['restore', archive!, '--to', out]);
    expect(restored.exitCode, restored.stderr).toBe(0);
    // GNU find walks any depth: the restored tree has the same entries, and the leaf its content
    const find = (root: string): string[] => execFileSync('find', ['.'], { cwd: root, encoding: 'utf8' }).split('\n').sort();
    expect(find(join(out, deep.slice(1)))).toEqual(find(deep));
    const leafContent = execFileSync('find', ['.', '-name', 'leaf.txt', '-execdir', 'cat', '{}', ';'], {
      cwd: out,
      encoding: 'utf8',
    });
    expect(leafContent).toBe('leaf\n');
  });
});
