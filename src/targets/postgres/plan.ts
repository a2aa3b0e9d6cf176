// The dry-run plan: the exact command lines (password masked), where the archive would go, whether the program that
// must run (docker, or the local client) is on PATH, and whether PostgreSQL answers — a read-only query (the list
// of databases) through the same path and credentials the dump uses. With `databases`, the databases it would dump.
import { CODEC_SUFFIX } from '../../archive/codec.js';
import { join } from 'node:path';
import { formatCommand } from '../../exec/command.js';
import { findProgram } from '../../exec/which.js';
import { errorMessage } from '../../util/errors.js';
import type { Plan, PlanContext } from '../types.js';
import { checkOsUser, databaseDumpCommand, dumpCommand, globalsCommand, restoreCommand } from './commands.js';
import { PG_DUMPALL_CLOSING_LINE } from './dump.js';
import { DATABASES_SQL, queryRows } from './query.js';
import type { PostgresTarget } from './schema.js';
import { CUSTOM_FORMAT_MAGIC } from './tar-check.js';

const STAMP = '<YYYYMMDDTHHMMSSZ>';

function clusterSteps(ctx: PlanContext, config: PostgresTarget): string[] {
  return [
    `run ${formatCommand(dumpCommand(config), ctx.redactor)}`,
    `stream its output through ${config.compression} to ${join(ctx.targetDir, `${ctx.target}-${STAMP}.sql.${CODEC_SUFFIX[config.compression]}`)} (+ .sha256, .json)`,
    `keep it only if pg_dumpall exits 0 and the dump ends with "${PG_DUMPALL_CLOSING_LINE}"`,
    `restore would run ${formatCommand(restoreCommand(config), ctx.redactor)} < the decompressed dump`,
  ];
}

function databaseSteps(ctx: PlanContext, config: PostgresTarget, databases: readonly string[]): string[] {
  return [
    `run ${formatCommand(globalsCommand(config), ctx.redactor)} (roles, tablespaces)`,
    ...databases.map((db) => `run ${formatCommand(databaseDumpCommand(config, db), ctx.redactor)}`),
    `each dump goes to a temporary file in ${ctx.targetDir}, then into ${join(ctx.targetDir, `${ctx.target}-${STAMP}.tar`)} ` +
      `(stored as is: pg_dump's custom format is compressed; + .sha256, .json)`,
    `keep it only if every dump exits 0, each database dump starts with ${CUSTOM_FORMAT_MAGIC} and the globals end with "${PG_DUMPALL_CLOSING_LINE}"`,
    `restore --database NAME would feed the globals to psql, then the database to pg_restore --create`,
  ];
}

export async function planDump(ctx: PlanContext, config: PostgresTarget): Promise<Plan> {
  const problems: string[] = [];
  const steps: string[] = [];
  const program = dumpCommand(config).file;
  const found = await findProgram(program, ctx.env);
  if (!found) {
    if (config.container !== undefined) problems.push(`${program} (docker_command) was not found on PATH`);
    else if (config.os_user !== undefined) problems.push('runuser (for os_user) was not found on PATH');
    else problems.push(`pg_dumpall was not found on PATH (install postgresql-client, or set container to use docker exec)`);
  }
  try {
    checkOsUser(config);
  } catch (error) {
    problems.push(errorMessage(error));
  }
  // Does the server answer, through the same path and credentials the dump uses? (Read-only: the database list.)
  let answered: string[] | undefined;
  if (problems.length === 0) {
    try {
      answered = await queryRows(ctx, config, DATABASES_SQL);
      steps.push(`PostgreSQL answers (${answered.length} databases allow connections: ${answered.join(', ')})`);
    } catch (error) {
      problems.push(`target "${ctx.target}": PostgreSQL did not answer a read-only query: ${errorMessage(error)}`);
    }
  }
  if (config.databases === undefined) steps.push(...clusterSteps(ctx, config));
  else {
    const databases = config.databases === 'all' ? (answered ?? ['<every database that allows connections>']) : config.databases;
    steps.push(`databases: ${databases.join(', ')}`, ...databaseSteps(ctx, config, databases));
    const missing = answered && config.databases !== 'all' ? config.databases.filter((db) => !answered.includes(db)) : [];
    if (missing.length > 0)
      problems.push(`databases: ${missing.join(', ')} not found (or not accepting connections) on the server`);
  }
  if (found) steps.push(`${program} found at ${found}`);
  return { steps, problems };
}
