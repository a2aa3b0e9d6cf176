// The dry-run plan: the exact command lines (password masked), where the archive would go, and whether the
// program that must run is on PATH.
import { CODEC_SUFFIX } from '../../archive/codec.js';
import { join } from 'node:path';
import { formatCommand } from '../../exec/command.js';
import { findProgram } from '../../exec/which.js';
import type { Plan, PlanContext } from '../types.js';
import { CLIENT_PROGRAMS, DUMP_COMPLETED, DUMP_PROGRAMS, dumpCommand, restoreCommand } from './commands.js';
import type { MysqlTarget } from './schema.js';

async function firstFound(programs: readonly string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const program of programs) if (await findProgram(program, env)) return program;
  return undefined;
}

export async function planDump(ctx: PlanContext, config: MysqlTarget): Promise<Plan> {
  const problems: string[] = [];
  let program: string = DUMP_PROGRAMS[0];
  if (config.container === undefined) {
    const found = await firstFound(DUMP_PROGRAMS, ctx.env);
    if (found) program = found;
    else problems.push(`neither ${DUMP_PROGRAMS.join(' nor ')} was found on PATH (install the client, or set container)`);
  } else if (!(await findProgram(config.docker_command, ctx.env))) {
    problems.push(`${config.docker_command} (docker_command) was not found on PATH`);
  }
  const fallback = config.container !== undefined ? ` (${DUMP_PROGRAMS[1]} if the container has no ${DUMP_PROGRAMS[0]})` : '';
  const client = (config.container === undefined && (await firstFound(CLIENT_PROGRAMS, ctx.env))) || CLIENT_PROGRAMS[0];
  const steps = [
    `run ${formatCommand(dumpCommand(config, program), ctx.redactor)}${fallback}`,
    `stream its output through ${config.compression} to ${join(ctx.targetDir, `${ctx.target}-<YYYYMMDDTHHMMSSZ>.sql.${CODEC_SUFFIX[config.compression]}`)} (+ .sha256, .json)`,
    `keep it only if the dump exits 0 and ends with "${DUMP_COMPLETED}"`,
    `restore would run ${formatCommand(restoreCommand(config, client), ctx.redactor)} < the decompressed dump`,
  ];
  return { steps, problems };
}
