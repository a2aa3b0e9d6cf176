// Turns a failed pg_dumpall / psql child into a message an operator acts on (the shared docker sentences from
// _dump/failures.ts, psql's own fallback), keeping the ProcessError as its cause.
import type { ProcessExit } from '../../exec/errors.js';
import { DumpError, explainExit } from '../_dump/failures.js';
import type { PostgresTarget } from './schema.js';

export class PostgresError extends DumpError {
  override readonly name = 'PostgresError';
}

export const postgresError = (message: string, options?: ErrorOptions): PostgresError => new PostgresError(message, options);

/** A PostgresError whose message leads with what went wrong, keeping the ProcessError as its cause. */
export function explainFailure(config: PostgresTarget, program: string, command: string, exit: ProcessExit): Error {
  const fallback =
    program === 'psql' || program === 'pg_restore'
      ? `${program} failed: the restore stopped at the first error`
      : `${program} failed`;
  return explainExit(config, program, command, exit, postgresError, fallback);
}
