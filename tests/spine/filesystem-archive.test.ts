// The filesystem target's archive, read by independent tools: GNU tar extracts the same tree, sha256sum -c
// accepts the sidecar, and the manifest agrees with both.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { AWKWARD_EXCLUDES, describeTree, makeAwkwardTree } from '../helpers/tree.js';

function configFor(dir: string, paths: string[], extra = ''): string {
  const file = join(dir, 'snapshotter.yaml');
  writeFileSync(
    file,
    `backup_dir: ${dir}/backups
targets:
  - name: files
    type: filesystem
    paths: ${JSON.stringify(paths)}
    exclude: ${JSON.stringify(AWKWARD_EXCLUDES)}
${extra}`,
  );
  return file;
}

function onlyArchive(dir: string): string {
  const names = readdirSync(join(dir, 'backups', 'files')).filter((n) => n.endsWith('.tar.gz'));
  expect(names).toHaveLength(1);
  return join(dir, 'backups', 'files', names[0]!);
}

describe('filesystem backup read by GNU tar and sha256sum', () => {
  it('extracts to an identical tree, without the excluded files', async () => {
    const dir = tmpDir();
    const source = join(dir, 'source');
    makeAwkwardTree(source);
    const result = await runCli(['run', '-c', configFor(dir, [source])]);
    expect(result.exitCode, result.stderr).toBe(0);
    const archive = onlyArchive(dir);

    execFileSync('sha256sum', ['-c', `${archive}.sha256`], { cwd: join(dir, 'backups', 'files') });
    execFileSync('gzip', ['-t', archive]);
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', archive, '-C', out]);

    const expected = describeTree(source);
    for (const excluded of ['scratch.tmp', 'cache', 'cache/nested', 'cache/nested/big.bin']) {
      expect(expected.delete(excluded)).toBe(true);
    }
    const restored = describeTree(join(out, source.slice(1)));
    expect([...restored.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, facts] of expected) expect(restored.get(path), path).toEqual(facts);
  });

  it('stores entries relative to / and agrees with its manifest', async () => {
    const dir = tmpDir();
    const source = join(dir, 'source');
    makeAwkwardTree(source);
    await runCli(['run', '-c', configFor(dir, [source])]);
    const archive = onlyArchive(dir);
    const listing = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.every((name) => name.startsWith(source.slice(1)))).toBe(true);

    const manifest = JSON.parse(readFileSync(`${archive}.json`, 'utf8'));
    expect(manifest).toMatchObject({
      format_version: 1,
      tool: { name: 'snapshotter' },
      target: { name: 'files', type: 'filesystem' },
      archive: archive.split('/').at(-1),
      size_bytes: statSync(archive).size,
      entries: listing.length,
      compression: { format: 'gzip', level: 6 },
      source: { paths: [source] },
    });
    expect(readFileSync(`${archive}.sha256`, 'utf8')).toBe(`${manifest.sha256}  ${manifest.archive}\n`);
    for (const path of [archive, `${archive}.json`, `${archive}.sha256`]) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'backups')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'backups', 'files')).mode & 0o777).toBe(0o700);
  });

  it('warns about a missing path and fails when every path is missing', async () => {
    const dir = tmpDir();
    const source = join(dir, 'source');
    makeAwkwardTree(source);
    const partial = await runCli(['run', '-c', configFor(dir, [source, join(dir, 'nope')]), '--json']);
    expect(partial.exitCode).toBe(0);
    const report = JSON.parse(partial.stdout);
    expect(report.targets[0].warnings).toEqual([
      { code: 'missing_path', message: `${join(dir, 'nope')} does not exist; skipped` },
    ]);

    const other = tmpDir();
    const none = await runCli(['run', '-c', configFor(other, [join(other, 'nope')]), '--json']);
    expect(none.exitCode).toBe(1);
    expect(JSON.parse(none.stdout).targets[0].error).toContain('none of the paths exist');
    expect(readdirSync(join(other, 'backups', 'files'))).toEqual([]);
  });
});
