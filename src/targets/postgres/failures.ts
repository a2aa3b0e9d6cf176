// PostgreSQL's own error class; a failed client is explained by the shared sentences of _dump/failures.ts.
import { DumpError } from '../_dump/failures.js';

export class PostgresError extends DumpError {
  override readonly name = 'PostgresError';
}

export const postgresError = (message: string, options?: ErrorOptions): PostgresError => new PostgresError(message, options);
