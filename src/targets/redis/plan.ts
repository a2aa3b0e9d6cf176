// The dry-run plan: the redis-cli command (password masked), where the archive would go, whether the program is there.
import { CODEC_SUFFIX } from '../../archive/codec.js';
import { join } from 'node:path';
import { formatCommand } from '../../exec/command.js';
import { findProgram } from '../../exec/which.js';
import type { Plan, PlanContext } from '../types.js';
import { dumpCommand } from './dump.js';
import type { RedisTarget } from './schema.js';

export async function planRedis(ctx: PlanContext, config: RedisTarget): Promise<Plan> {
  const command = dumpCommand(config);
  const problems: string[] = [];
  if (!(await findProgram(command.file, ctx.env))) {
    problems.push(`${command.file}${config.container !== undefined ? ' (docker_command)' : ''} was not found on PATH`);
  }
  return {
    steps: [
      `run ${formatCommand(command, ctx.redactor)}`,
      `stream the RDB file through ${config.compression} to ${join(ctx.targetDir, `${ctx.target}-<YYYYMMDDTHHMMSSZ>.rdb.${CODEC_SUFFIX[config.compression]}`)} (+ .sha256, .json)`,
      'keep it only if redis-cli exits 0 and the file ends with the RDB EOF opcode and checksum',
    ],
    problems,
  };
}
