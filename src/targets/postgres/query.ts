// Read-only questions to the server through the same path the dump takes (docker exec or the local client, the
// same user and password): does it answer, which databases allow connections, which roles exist.
import { ProcessError } from '../../exec/errors.js';
import { startProcess } from '../../exec/runner.js';
import type { Logger } from '../../logging/logger.js';
import type { Redactor } from '../../util/redact.js';
import { queryCommand } from './commands.js';
import { explainExit } from '../_dump/failures.js';
import { postgresError } from './failures.js';
import type { PostgresTarget } from './schema.js';

/** Every database a dump of `all` covers: those that allow connections, templates left out. */
export const DATABASES_SQL =
  'SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname';
export const ROLES_SQL = 'SELECT rolname FROM pg_catalog.pg_roles ORDER BY rolname';

/** A query's answer is a list of names: far below this. */
const MAX_OUTPUT = 4 * 1024 * 1024;
/** How long a question may take before the server counts as not answering. */
export const QUERY_TIMEOUT_MS = 30_000;

export interface QueryContext {
  signal: AbortSignal;
  redactor: Redactor;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

/** Runs one read-only query through psql and returns its rows (one value per line). */
export async function queryRows(ctx: QueryContext, config: PostgresTarget, sql: string): Promise<string[]> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(QUERY_TIMEOUT_MS)]);
  const child = startProcess(queryCommand(config, sql), { signal, redactor: ctx.redactor, logger: ctx.logger, env: ctx.env });
  const chunks: Buffer[] = [];
  let size = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_OUTPUT) chunks.push(chunk);
    else child.stop();
  });
  const exit = await child.exited;
  if (exit.exitCode !== 0) {
    if (exit.stopped && !ctx.signal.aborted && size <= MAX_OUTPUT) {
      throw postgresError(`PostgreSQL did not answer within ${QUERY_TIMEOUT_MS / 1000}s`, {
        cause: new ProcessError(child.command, exit),
      });
    }
    throw explainExit(config, 'psql', child.command, exit, postgresError, 'PostgreSQL did not answer');
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
}
