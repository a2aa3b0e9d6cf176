// The backup: SQLite's online backup (`sqlite3 <db> ".backup <copy>"`) makes a consistent copy while the
// application writes, WAL included, into a hidden temporary file next to the archive — in RAM when the archive is
// encrypted (copy-place.ts); the copy streams through the archive sink as `.db.gz` and is removed in every outcome
// (a crash leaves a temp name the next run removes).
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { CommandSpec } from '../../exec/command.js';
import { startProcess } from '../../exec/runner.js';
import type { BackupOutcome, TargetContext } from '../types.js';
import { sqliteCheck } from './check.js';
import { diskCopyPlace, ramCopyPlace } from './copy-place.js';
import type { SqliteTarget } from './schema.js';

/** `sqlite3 -bail <db> ".backup '<copy>'"`: one read transaction, so the copy is one consistent state. */
export function backupCommand(config: SqliteTarget, copy: string): CommandSpec {
  return { file: config.sqlite3_command, args: ['-bail', config.path, `.backup '${copy.replace(/'/g, "''")}'`] };
}

export async function copyDatabase(ctx: TargetContext, config: SqliteTarget): Promise<BackupOutcome> {
  // sqlite3 would create an empty database for a missing path: that must fail, not back up nothing.
  await access(config.path).catch((error: unknown) => {
    throw new Error(`${config.path}: cannot read the database`, { cause: error });
  });
  const place = config.encryption ? await ramCopyPlace(ctx.target, config.path) : diskCopyPlace(ctx.targetDir, ctx.target);
  const copy = place.file;
  try {
    const child = startProcess(backupCommand(config, copy), {
      signal: ctx.signal,
      redactor: ctx.redactor,
      logger: ctx.logger,
      env: ctx.env,
    });
    ctx.logger.info({ command: child.command }, 'copying');
    child.stdout.resume();
    await child.succeeded();
    const info = await ctx.archive.write({
      format: 'db',
      source: createReadStream(copy),
      check: (options) => sqliteCheck(config.sqlite3_command, ctx.env, options),
      describe: { path: config.path, command: child.command },
    });
    return {
      artifact: info.name,
      size_bytes: info.size_bytes,
      sha256: info.sha256,
      details: { uncompressed_bytes: info.uncompressed_bytes, path: config.path },
    };
  } finally {
    await place.remove();
  }
}
