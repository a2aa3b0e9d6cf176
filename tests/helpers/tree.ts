// An awkward source tree (spaces, non-ASCII, long names, deep paths, symlinks, empty files and folders,
// executable bits, files to exclude) and an entry-by-entry comparison of two trees.
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { join, relative } from 'node:path';

export function makeAwkwardTree(root: string): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'plain.txt'), 'plain text\n');
  writeFileSync(join(root, 'with space.txt'), 'spaces in the name\n');
  writeFileSync(join(root, 'ünïcødé-日本語.txt'), 'non-ASCII name\n');
  writeFileSync(join(root, `${'long-name-'.repeat(12)}end.txt`), 'a name over 100 bytes\n');
  const deep = join(root, ...Array.from({ length: 12 }, (_, i) => `level-${i}-${'d'.repeat(10)}`));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'deep file.txt'), 'deep\n');
  writeFileSync(join(root, 'empty-file'), '');
  mkdirSync(join(root, 'empty-dir'));
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  writeFileSync(join(root, 'private.key'), 'secret-ish\n');
  chmodSync(join(root, 'private.key'), 0o600);
  symlinkSync('plain.txt', join(root, 'link-to-plain'));
  symlinkSync('does/not/exist', join(root, 'dangling-link'));
  mkdirSync(join(root, 'cache', 'nested'), { recursive: true });
  writeFileSync(join(root, 'cache', 'nested', 'big.bin'), 'excluded\n');
  writeFileSync(join(root, 'scratch.tmp'), 'excluded\n');
  writeFileSync(join(root, 'binary.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)));
  const old = new Date('2021-03-04T05:06:07Z');
  utimesSync(join(root, 'plain.txt'), old, old);
}

export const AWKWARD_EXCLUDES = ['**/*.tmp', '**/cache/**'];

export interface EntryFacts {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtime: number;
  content?: string;
  target?: string;
}

/** Every entry below root (relative path → facts); folders' mtimes are left out (extraction changes them). */
export function describeTree(root: string): Map<string, EntryFacts> {
  const out = new Map<string, EntryFacts>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(root, path);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) {
        out.set(rel, { type: 'symlink', mode: 0, mtime: 0, target: readlinkSync(path) });
      } else if (stat.isDirectory()) {
        out.set(rel, { type: 'dir', mode: stat.mode & 0o7777, mtime: 0 });
        walk(path);
      } else {
        out.set(rel, {
          type: 'file',
          mode: stat.mode & 0o7777,
          mtime: Math.floor(stat.mtimeMs / 1000),
          content: readFileSync(path).toString('base64'),
        });
      }
    }
  };
  walk(root);
  return out;
}
