// The dry-run plan: the exact command lines (password masked), where the archive would go, and whether the
// program that must run (docker, or pg_dumpall) is on PATH.
import { CODEC_SUFFIX } from '../../archive/codec.js';
import { join } from 'node:path';
import { formatCommand } from '../../exec/command.js';
import { findProgram } from '../../exec/which.js';
import type { Plan, PlanContext } from '../types.js';
import { dumpCommand, restoreCommand } from './commands.js';
import { PG_DUMPALL_CLOSING_LINE } from './dump.js';
import type { PostgresTarget } from './schema.js';

export async function planDump(ctx: PlanContext, config: PostgresTarget): Promise<Plan> {
  const dump = dumpCommand(config);
  const steps = [
    `run ${formatCommand(dump, ctx.redactor)}`,
    `stream its output through ${config.compression} to ${join(ctx.targetDir, `${ctx.target}-<YYYYMMDDTHHMMSSZ>.sql.${CODEC_SUFFIX[config.compression]}`)} (+ .sha256, .json)`,
    `keep it only if pg_dumpall exits 0 and the dump ends with "${PG_DUMPALL_CLOSING_LINE}"`,
  ];
  const problems: string[] = [];
  const program = dump.file;
  const found = await findProgram(program, ctx.env);
  if (found) steps.push(`${program} found at ${found}`);
  else if (config.container !== undefined) problems.push(`${program} (docker_command) was not found on PATH`);
  else problems.push(`pg_dumpall was not found on PATH (install postgresql-client, or set container to use docker exec)`);
  steps.push(`restore would run ${formatCommand(restoreCommand(config), ctx.redactor)} < the decompressed dump`);
  return { steps, problems };
}
