// The exact commands the target runs: pg_dumpall for a backup, psql for a restore, either through
// `docker exec` into the container or locally against host/port. The password is never an argument.
import type { CommandSpec } from '../../exec/command.js';
import { clientCommand } from '../_dump/client.js';
import type { PostgresTarget } from './schema.js';

/** Restore stops at the first error (see README: restore into a fresh cluster). */
export const RESTORE_DATABASE = 'postgres';

function connectionArgs(config: PostgresTarget): string[] {
  return [
    '--username',
    config.user,
    ...(config.host !== undefined ? ['--host', config.host] : []),
    ...(config.port !== undefined ? ['--port', String(config.port)] : []),
    // Never prompt: under cron nobody answers, and a prompt on a terminal would hang the run.
    '--no-password',
  ];
}

/** A PostgreSQL client command through `docker exec` or locally; the password as PGPASSWORD in its env. */
function wrap(config: PostgresTarget, program: string, args: string[], interactive: boolean): CommandSpec {
  const secretEnv = config.password !== undefined ? { PGPASSWORD: config.password } : undefined;
  return clientCommand(config, { program, args, secretEnv, interactive });
}

/** `pg_dumpall --username U [--host H] [--port P] --no-password [extra_args]`, wrapped. */
export function dumpCommand(config: PostgresTarget): CommandSpec {
  return wrap(config, 'pg_dumpall', [...connectionArgs(config), ...config.extra_args], false);
}

/** `psql ... -v ON_ERROR_STOP=1 --dbname postgres` reading the dump on stdin, wrapped (`docker exec -i`). */
export function restoreCommand(config: PostgresTarget): CommandSpec {
  return wrap(
    config,
    'psql',
    [...connectionArgs(config), '--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--dbname', RESTORE_DATABASE],
    true,
  );
}
