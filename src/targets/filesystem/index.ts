// Target `filesystem`: files and folders into one tar.gz, entries relative to `/`.
import { lstat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tarCheck } from '../../archive/content-check.js';
import { BufferRecycler } from '../../archive/recycler.js';
import { toByteString } from '../../util/byte-names.js';
import { defineTarget } from '../types.js';
import { makeExcluder } from './exclude.js';
import { ownFiles } from './own-files.js';
import { packPaths, type PackStats } from './pack.js';
import { filesystemSpec } from './schema.js';
import { STAGE_SIZE } from './tar-stage.js';

async function existing(paths: readonly string[]): Promise<{ present: string[]; missing: string[] }> {
  const present: string[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    const found = await lstat(path).then(
      () => true,
      () => false,
    );
    (found ? present : missing).push(path);
  }
  return { present, missing };
}

/** Drops roots that lie inside another root, so nothing is stored twice. */
function outermost(paths: readonly string[]): string[] {
  const normalized = [...new Set(paths.map((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p)))];
  return normalized.filter((p) => !normalized.some((q) => q !== p && (q === '/' || p.startsWith(`${q}/`))));
}

export const filesystemTarget = defineTarget({
  ...filesystemSpec,
  check: () => tarCheck(),

  async plan(_ctx, config) {
    const { present, missing } = await existing(config.paths);
    const steps = [
      ...present.map((p) => `read ${p} (exists)`),
      ...missing.map((p) => `read ${p} (MISSING: will be skipped with a warning)`),
    ];
    if (config.exclude.length > 0) steps.push(`exclude ${config.exclude.join(', ')}`);
    const problems = present.length === 0 ? ['none of the paths exist'] : [];
    return { steps, problems };
  },

  async backup(ctx, config) {
    const { present, missing } = await existing(config.paths);
    for (const path of missing) ctx.warn('missing_path', `${path} does not exist; skipped`);
    if (present.length === 0) throw new Error(`none of the paths exist: ${config.paths.join(', ')}`);
    const stats: PackStats = { entries: 0 };
    const buffers = new BufferRecycler(STAGE_SIZE);
    const options = {
      buffers,
      exclude: makeExcluder(config.exclude),
      warn: (code: string, message: string) => ctx.warn(code, message),
      signal: ctx.signal,
      own: await ownFiles(ctx.backupDir, ctx.lockFile),
    };
    const source = Readable.from(packPaths(outermost(present).map(toByteString), options, stats), {
      objectMode: false,
      highWaterMark: 1024 * 1024,
    });
    const info = await ctx.archive.write({
      format: 'tar',
      source,
      recycle: (chunk: Buffer) => buffers.give(chunk),
      describe: { paths: config.paths, exclude: config.exclude, missing },
      finish: () => ({ entries: stats.entries }),
    });
    if (stats.ownSkipped) {
      ctx.logger.info(
        { skipped: stats.ownSkipped },
        `left snapshotter's own files out of the backup: ${stats.ownSkipped.join(', ')}`,
      );
    }
    return {
      artifact: info.name,
      size_bytes: info.size_bytes,
      sha256: info.sha256,
      details: { entries: info.entries, uncompressed_bytes: info.uncompressed_bytes },
    };
  },
});
