// Gzip bombs and corrupted archives: refused before anything is written.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/restore/extract.js';
import { RestoreLimitError } from '../../src/restore/limits.js';
import { restoreArchive } from '../../src/restore/restore-archive.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { buildBomb, gnuTar, wrapArchive } from './helpers.js';

const MiB = 1024 * 1024;
const quiet = { update: () => undefined, done: () => undefined };

const built = new Map<number, string>();
let bombDir: string;

beforeAll(() => {
  bombDir = mkdtempSync(join(tmpdir(), 'snapshotter-bombs-'));
});
afterAll(() => rmSync(bombDir, { recursive: true, force: true }));

/** A bomb of `size` zero bytes (built once per size), wrapped as a backup in a fresh folder. */
async function bomb(size: number, manifest?: Record<string, unknown>): Promise<{ root: string; archive: string }> {
  let tarGz = built.get(size);
  if (!tarGz) {
    tarGz = join(bombDir, `bomb-${size}.tar.gz`);
    mkdirSync(join(bombDir, `work-${size}`));
    await buildBomb(join(bombDir, `work-${size}`), size, tarGz);
    built.set(size, tarGz);
  }
  const root = tmpDir('snapshotter-bomb-');
  return { root, archive: await wrapArchive(tarGz, root, { manifest }) };
}

describe('restore stops gzip bombs', () => {
  it('--max-size refuses an archive that inflates past it, before reading it', async () => {
    const { root, archive } = await bomb(8 * MiB);
    const dir = join(root, 'restore');
    const result = await runCli(['restore', archive, '--to', dir, '--max-size', '1m']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('--max-size 1048576');
    expect(existsSync(dir)).toBe(false);
  });

  it('the default ratio limit (200:1) refuses a ~1000:1 bomb naming the option that lets it through; restored sparse with it', async () => {
    const honest = await bomb(128 * MiB);
    const dir = join(honest.root, 'restore');
    const result = await runCli(['restore', honest.archive, '--to', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/decompression ratio reached \d+:1 .*above --max-ratio 200/);
    expect(result.stderr).toContain('if you trust this archive, pass --max-ratio 0');
    expect(result.stderr).toContain('(a decompression bomb?)'); // codec-neutral: zstd archives are refused the same way
    expect(existsSync(dir)).toBe(false);

    // The option the message names lets a legitimate file of zeros through, and it is restored sparse.
    const trusted = await runCli(['restore', honest.archive, '--to', dir, '--max-ratio', '0']);
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    const big = statSync(join(dir, 'big'));
    expect(big.size).toBe(128 * MiB);
    expect(big.blocks * 512).toBeLessThan(MiB);

    // A manifest that lies about the size does not get the bomb past the check made while inflating.
    const lying = await bomb(128 * MiB, { uncompressed_bytes: 4096 });
    const error = await restoreArchive({
      archive: lying.archive,
      to: join(lying.root, 'restore'),
      force: false,
      paths: [],
      dryRun: false,
      maxRatio: 200,
      progress: quiet,
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RestoreLimitError);
    expect((error as Error).message).toMatch(/ratio reached \d+:1 after 64\.\d MiB/);
    expect(existsSync(join(lying.root, 'restore'))).toBe(false);
  });

  it('the extraction pass enforces the limits too, naming the entry it was reading', async () => {
    const { root, archive } = await bomb(8 * MiB);
    mkdirSync(join(root, 'staging'));
    const error = await extractArchive({
      archive,
      root: join(root, 'staging'),
      selection: [],
      limits: { maxSize: 2 * MiB, maxRatio: 200 },
      dryRun: false,
      sameOwner: false,
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RestoreLimitError);
    expect((error as Error).message).toContain('at entry "big"');
  });
});

describe('restore refuses a corrupted archive before writing anything', () => {
  function validArchive(root: string): string {
    mkdirSync(join(root, 'src'));
    for (let i = 0; i < 20; i += 1) writeFileSync(join(root, 'src', `f${i}.txt`), `file ${i} `.repeat(2000));
    gnuTar(['-czf', join(root, 'ok.tar.gz'), '-C', root, 'src']);
    return join(root, 'ok.tar.gz');
  }

  function flipByte(path: string): void {
    const bytes = readFileSync(path);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(path, bytes);
  }

  it('a flipped byte fails the checksum; DIR stays empty', async () => {
    const root = tmpDir();
    const archive = await wrapArchive(validArchive(root), root);
    flipByte(archive);
    const dir = join(root, 'restore');
    mkdirSync(dir);
    const result = await runCli(['restore', archive, '--to', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('failed verification; nothing was restored');
    expect(result.stderr).toMatch(/content: |sidecar: sha256/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a corrupted archive with a matching checksum fails decompression; DIR stays empty', async () => {
    const root = tmpDir();
    const archive = await wrapArchive(validArchive(root), root);
    flipByte(archive);
    const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
    const name = archive.split('/').pop()!;
    writeFileSync(`${archive}.sha256`, `${sha256}  ${name}\n`);
    const manifest = JSON.parse(readFileSync(`${archive}.json`, 'utf8')) as Record<string, unknown>;
    writeFileSync(`${archive}.json`, JSON.stringify({ ...manifest, sha256 }));
    const dir = join(root, 'restore');
    mkdirSync(dir);
    const error = await restoreArchive({
      archive,
      to: dir,
      force: false,
      paths: [],
      dryRun: false,
      maxRatio: 200,
      progress: quiet,
    }).catch((e: Error) => e);
    expect((error as Error).message).toContain('failed verification');
    expect((error as Error).message).toMatch(/content: .*(invalid|incorrect|check)/i);
    expect(readdirSync(dir)).toEqual([]);
  });
});
