// The dry-run plan: the sqlite3 command, where the archive would go, whether the database and sqlite3 exist.
import { CODEC_SUFFIX } from '../../archive/codec.js';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCommand } from '../../exec/command.js';
import { findProgram } from '../../exec/which.js';
import type { Plan, PlanContext } from '../types.js';
import { backupCommand } from './copy.js';
import { ramRoot } from './copy-place.js';
import type { SqliteTarget } from './schema.js';

export async function planSqlite(ctx: PlanContext, config: SqliteTarget): Promise<Plan> {
  const problems: string[] = [];
  const exists = await access(config.path).then(
    () => true,
    () => false,
  );
  if (!exists) problems.push(`${config.path} does not exist`);
  if (!(await findProgram(config.sqlite3_command, ctx.env))) problems.push(`${config.sqlite3_command} was not found on PATH`);
  let copy = join(ctx.targetDir, `.${ctx.target}.db<temporary>`);
  if (config.encryption) {
    const found = await ramRoot(config.path);
    if ('problem' in found) problems.push(found.problem);
    else copy = join(found.root, `.${ctx.target}.db<temporary>`, 'copy.db');
  }
  return {
    steps: [
      `run ${formatCommand(backupCommand(config, copy), ctx.redactor)} (online backup: consistent while the app writes)`,
      `stream the copy through ${config.compression} to ${join(ctx.targetDir, `${ctx.target}-<YYYYMMDDTHHMMSSZ>.db.${CODEC_SUFFIX[config.compression]}`)} (+ .sha256, .json), then remove it`,
      'verify runs PRAGMA integrity_check on a decompressed copy',
    ],
    problems,
  };
}
