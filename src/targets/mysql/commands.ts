// The exact commands: mariadb-dump (or mysqldump) for a backup, mariadb (or mysql) for a restore, through
// `docker exec` or locally against host/port. The password travels as MYSQL_PWD in the child's environment.
import type { CommandSpec } from '../../exec/command.js';
import { clientCommand } from '../_dump/client.js';
import type { MysqlTarget } from './schema.js';

/** The dump programs in the order they are tried: MariaDB's name first, MySQL's (and old MariaDB's) second. */
export const DUMP_PROGRAMS = ['mariadb-dump', 'mysqldump'] as const;
export const CLIENT_PROGRAMS = ['mariadb', 'mysql'] as const;
/** The last line mariadb-dump and mysqldump write (with comments on, their default). */
export const DUMP_COMPLETED = '-- Dump completed';

function connectionArgs(config: MysqlTarget): string[] {
  return [
    ...(config.user !== undefined ? ['--user', config.user] : []),
    ...(config.host !== undefined ? ['--host', config.host] : []),
    ...(config.port !== undefined ? ['--port', String(config.port)] : []),
  ];
}

function wrap(config: MysqlTarget, program: string, args: string[], interactive: boolean): CommandSpec {
  const secretEnv = config.password !== undefined ? { MYSQL_PWD: config.password } : undefined;
  return clientCommand(config, { program, args, secretEnv, interactive });
}

/** `<program> --all-databases --single-transaction --routines --events --triggers [--user U] ... [extra_args]`. */
export function dumpCommand(config: MysqlTarget, program: string): CommandSpec {
  const args = ['--all-databases', '--single-transaction', '--routines', '--events', '--triggers'];
  return wrap(config, program, [...args, ...connectionArgs(config), ...config.extra_args], false);
}

/** `<client> [--user U] ...` reading the dump on stdin; it stops at the first error (no --force). */
export function restoreCommand(config: MysqlTarget, program: string): CommandSpec {
  return wrap(config, program, connectionArgs(config), true);
}
