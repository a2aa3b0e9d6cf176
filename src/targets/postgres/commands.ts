// The exact commands the target runs: pg_dumpall (or pg_dump per database) for a backup, psql / pg_restore for a
// restore and psql for the read-only queries (dry run, database list, existing roles), either through
// `docker exec` into the container or locally against host/port — locally as `os_user` through `runuser` when set.
// The password is never an argument.
import type { CommandSpec } from '../../exec/command.js';
import { clientCommand } from '../_dump/client.js';
import { PostgresError } from './failures.js';
import type { PostgresTarget } from './schema.js';

/** Restore stops at the first error (see README: restore into a fresh cluster). */
export const RESTORE_DATABASE = 'postgres';

/** Where a restore connects instead of the target's own server (`restore --host/--port/--user`). */
export interface ConnectionOverride {
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
}

/** The target's config with a restore's connection overrides applied. */
export function withConnection(config: PostgresTarget, override: ConnectionOverride = {}): PostgresTarget {
  return {
    ...config,
    ...(override.host !== undefined && { host: override.host }),
    ...(override.port !== undefined && { port: override.port }),
    ...(override.user !== undefined && { user: override.user }),
  };
}

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

/** os_user switches user with runuser, which only root may do: say so before anything runs. */
export function checkOsUser(config: PostgresTarget, uid = process.getuid?.()): void {
  if (config.os_user === undefined || config.container !== undefined || uid === 0) return;
  throw new PostgresError(
    `target "${config.name}": os_user: ${config.os_user} runs the PostgreSQL client through runuser, which needs root ` +
      `(run snapshotter as root, or drop os_user and give the password through password_file or a .pgpass)`,
  );
}

/** A PostgreSQL client command through `docker exec` or locally; the password as PGPASSWORD in its env. */
function wrap(config: PostgresTarget, program: string, args: string[], interactive: boolean): CommandSpec {
  const secretEnv = config.password !== undefined ? { PGPASSWORD: config.password } : undefined;
  const spec = clientCommand(config, { program, args, secretEnv, interactive });
  if (config.container !== undefined || config.os_user === undefined) return spec;
  // runuser keeps the environment (PGPASSWORD included) and execs the client: no shell in between.
  return { ...spec, file: 'runuser', args: ['-u', config.os_user, '--', spec.file, ...spec.args] };
}

/** `pg_dumpall --username U [--host H] [--port P] --no-password [extra_args]`, wrapped. */
export function dumpCommand(config: PostgresTarget): CommandSpec {
  return wrap(config, 'pg_dumpall', [...connectionArgs(config), ...config.extra_args], false);
}

/** `pg_dumpall ... --globals-only`: roles and tablespaces, the part of a cluster no single database holds. */
export function globalsCommand(config: PostgresTarget): CommandSpec {
  return wrap(config, 'pg_dumpall', [...connectionArgs(config), '--globals-only'], false);
}

/** `pg_dump ... --format custom [extra_args] --dbname NAME`: one database, compressed by pg_dump itself. */
export function databaseDumpCommand(config: PostgresTarget, database: string): CommandSpec {
  return wrap(
    config,
    'pg_dump',
    [...connectionArgs(config), '--format', 'custom', ...config.extra_args, '--dbname', database],
    false,
  );
}

/** `psql ... --no-align --tuples-only --command SQL --dbname postgres`: one row per line, nothing else. */
export function queryCommand(config: PostgresTarget, sql: string): CommandSpec {
  return wrap(
    config,
    'psql',
    [
      ...connectionArgs(config),
      '--no-psqlrc',
      '--no-align',
      '--tuples-only',
      '-v',
      'ON_ERROR_STOP=1',
      '--command',
      sql,
      '--dbname',
      RESTORE_DATABASE,
    ],
    false,
  );
}

/**
 * `psql ... --quiet --output /dev/null -v ON_ERROR_STOP=1 --dbname postgres` reading the dump on stdin, wrapped
 * (`docker exec -i`): query results (set_config, setval) go nowhere, errors still to stderr.
 */
export function restoreCommand(config: PostgresTarget): CommandSpec {
  return wrap(
    config,
    'psql',
    [
      ...connectionArgs(config),
      '--no-psqlrc',
      '--quiet',
      '--output',
      '/dev/null',
      '-v',
      'ON_ERROR_STOP=1',
      '--dbname',
      RESTORE_DATABASE,
    ],
    true,
  );
}

/**
 * `pg_restore ... --create --exit-on-error --dbname postgres [--jobs N FILE]`: creates the database the dump
 * names and restores into it, reading stdin (one job) or FILE (a parallel restore needs a file).
 */
export function pgRestoreCommand(config: PostgresTarget, input: { jobs: number; file?: string }): CommandSpec {
  const parallel = input.file !== undefined ? ['--jobs', String(input.jobs), input.file] : [];
  return wrap(
    config,
    'pg_restore',
    [...connectionArgs(config), '--create', '--exit-on-error', '--dbname', RESTORE_DATABASE, ...parallel],
    input.file === undefined,
  );
}
