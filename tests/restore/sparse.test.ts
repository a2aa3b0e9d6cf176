// GNU tar's own sparse archives (`tar --sparse --format=pax`, PAX sparse 1.0) restore under their real names,
// identical and with their holes; a sparse map that does not fit its entry fails verification; GNU tar's older
// sparse formats are sound tar (verify passes) that restore refuses by name rather than restoring a stand-in.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkArchiveStream } from '../../src/archive/verify.js';
import { restoreArchive } from '../../src/restore/restore-archive.js';
import { sparseFile } from '../helpers/files.js';
import { tmpDir } from '../helpers/tmp.js';
import { gnuTar, wrapArchive } from './helpers.js';

const MiB = 1024 * 1024;
const quiet = { update: () => undefined, done: () => undefined };
const data = (length: number, seed: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => ((i * 7 + seed) % 250) + 1));

/** src/vm.img: 64 MiB, 8 KiB of data at 0 and at 32 MiB, a hole at the end; src/plain.txt beside it. */
function makeSource(root: string): string {
  const src = join(root, 'src');
  mkdirSync(src);
  const image = join(src, 'vm.img');
  sparseFile(image, 64 * MiB, [
    [0, data(8192, 1)],
    [32 * MiB, data(8192, 2)],
  ]);
  writeFileSync(join(src, 'plain.txt'), 'plain\n');
  return image;
}

describe('GNU tar sparse archives', () => {
  it('restores a `tar --sparse --format=pax` archive under the real names, identical and sparse', async () => {
    const root = tmpDir();
    const image = makeSource(root);
    gnuTar(['--sparse', '--format=pax', '-czf', join(root, 'gnu.tar.gz'), '-C', root, 'src']);
    const archive = await wrapArchive(join(root, 'gnu.tar.gz'), root);
    const to = join(root, 'restore');
    const result = await restoreArchive({ archive, to, force: false, paths: [], dryRun: false, maxRatio: 200, progress: quiet });
    expect(result.entries).toBe(3);
    const copy = join(to, 'src', 'vm.img');
    expect(readFileSync(copy).equals(readFileSync(image))).toBe(true);
    expect(statSync(copy).blocks * 512).toBeLessThan(MiB);
    expect(readFileSync(join(to, 'src', 'plain.txt'), 'utf8')).toBe('plain\n');
  });

  it('verification fails, naming the entry, when a sparse map does not fit the data stored', async () => {
    const root = tmpDir();
    makeSource(root);
    gnuTar(['--sparse', '--format=pax', '-cf', join(root, 'gnu.tar'), '-C', root, 'src/vm.img']);
    const tar = readFileSync(join(root, 'gnu.tar'));
    const map = tar.indexOf('\n0\n8192\n'); // the first region: offset 0, 8192 bytes
    expect(map).toBeGreaterThan(0);
    tar.write('\n0\n8193\n', map, 'latin1'); // now the regions need one byte more than the entry stores
    const bad = join(root, 'bad.tar.gz');
    writeFileSync(bad, gzipSync(tar));
    await expect(checkArchiveStream(bad, 'tar.gz')).rejects.toThrow(
      /tar structure: sparse entry at byte 1024: the sparse map \(512 bytes\) and its regions \(16385 bytes\) do not fill the stored size 16896/,
    );
  });

  it('verify accepts an older (0.1) sparse archive, restore refuses it naming the format; nothing is written', async () => {
    const root = tmpDir();
    makeSource(root);
    gnuTar(['--sparse', '--sparse-version=0.1', '--format=pax', '-czf', join(root, 'old.tar.gz'), '-C', root, 'src']);
    const archive = await wrapArchive(join(root, 'old.tar.gz'), root);
    await expect(checkArchiveStream(archive, 'tar.gz')).resolves.toMatchObject({ entries: 3 });
    const to = join(root, 'restore');
    const restore = restoreArchive({ archive, to, force: false, paths: [], dryRun: false, maxRatio: 200, progress: quiet });
    await expect(restore).rejects.toThrow('"src/vm.img": GNU tar sparse format 0.x is not supported');
    expect(existsSync(to)).toBe(false);
  });
});
