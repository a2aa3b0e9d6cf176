// `snapshotter verify` passes a good archive and fails every kind of damage, also damage whose sidecar and
// manifest were rewritten to match.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';

let dir: string;
let archive: string;

beforeEach(async () => {
  dir = tmpDir();
  mkdirSync(join(dir, 'src'));
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'src', `file-${i}.txt`), `line ${i}\n`.repeat(5000));
  writeFileSync(
    join(dir, 'c.yaml'),
    `backup_dir: ${dir}/backups\ntargets:\n  - name: files\n    type: filesystem\n    paths: [${dir}/src]\n`,
  );
  const run = await runCli(['run', '-c', join(dir, 'c.yaml')]);
  expect(run.exitCode, run.stderr).toBe(0);
  const name = readdirSync(join(dir, 'backups', 'files')).find((n) => n.endsWith('.tar.gz'))!;
  archive = join(dir, 'backups', 'files', name);
});

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ 0xff;
  writeFileSync(path, bytes);
}

/** Rewrites sidecar and manifest so that checksum and size match the damaged file. */
function forgeMetadata(path: string): void {
  const bytes = readFileSync(path);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const name = path.split('/').at(-1)!;
  writeFileSync(`${path}.sha256`, `${sha}  ${name}\n`);
  const manifest = JSON.parse(readFileSync(`${path}.json`, 'utf8'));
  writeFileSync(`${path}.json`, JSON.stringify({ ...manifest, sha256: sha, size_bytes: bytes.length }));
}

describe('snapshotter verify', () => {
  it('passes a good archive, by path and with --all', async () => {
    const byPath = await runCli(['verify', archive]);
    expect(byPath.exitCode, byPath.stdout + byPath.stderr).toBe(0);
    expect(byPath.stdout).toMatch(/^OK {3}.*21 entries/m);
    const all = await mainInProcess(['verify', '--all', '-c', join(dir, 'c.yaml')]);
    expect(all.exitCode).toBe(0);
  });

  it('fails a flipped byte', async () => {
    flipByte(archive, Math.floor(statSync(archive).size / 2));
    const result = await mainInProcess(['verify', archive]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^FAIL /m);
    expect(result.stdout).toContain('sidecar: sha256');
  });

  it('fails a truncation', async () => {
    truncateSync(archive, statSync(archive).size - 100);
    const result = await mainInProcess(['verify', archive]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('content:');
  });

  it('fails damage whose sidecar and manifest were rewritten to match', async () => {
    flipByte(archive, Math.floor(statSync(archive).size / 3));
    forgeMetadata(archive);
    const result = await mainInProcess(['verify', archive]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('content:');
    expect(result.stdout).not.toContain('sidecar:');
  });

  it('fails an archive without sidecar or manifest', async () => {
    unlinkSync(`${archive}.sha256`);
    const result = await mainInProcess(['verify', archive]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('sidecar: missing');
  });
});
