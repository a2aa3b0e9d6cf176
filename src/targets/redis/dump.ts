// The backup: `redis-cli --rdb -` (through docker exec or locally) streams the server's RDB snapshot through the
// shared dump pipeline as `.rdb.gz`; kept only when redis-cli exited 0 and the file ends with the RDB trailer.
import type { CommandSpec } from '../../exec/command.js';
import { clientCommand } from '../_dump/client.js';
import { dumpToArchive } from '../_dump/dump.js';
import type { BackupOutcome, TargetContext } from '../types.js';
import { EofMarkStrip, rdbCheck, rdbProblem } from './rdb.js';
import type { RedisTarget } from './schema.js';

export class RedisError extends Error {
  override readonly name = 'RedisError';
}

/** `redis-cli [-h H] [-p P] [--user U] --rdb -`, the password as REDISCLI_AUTH in its environment. */
export function dumpCommand(config: RedisTarget): CommandSpec {
  const args = [
    ...(config.host !== undefined ? ['-h', config.host] : []),
    ...(config.port !== undefined ? ['-p', String(config.port)] : []),
    ...(config.user !== undefined ? ['--user', config.user] : []),
    '--rdb',
    '-',
  ];
  const secretEnv = config.password !== undefined ? { REDISCLI_AUTH: config.password } : undefined;
  return clientCommand(config, { program: 'redis-cli', args, secretEnv });
}

export function dumpRedis(ctx: TargetContext, config: RedisTarget): Promise<BackupOutcome> {
  return dumpToArchive(ctx, {
    place: config,
    program: 'redis-cli',
    command: dumpCommand(config),
    format: 'rdb',
    describe: { host: config.host ?? null, port: config.port ?? null },
    // The header is checked by the content check after the write; the trailer here, before anything is kept.
    judgeTail: (tail) => rdbProblem(Buffer.from('REDIS0000'), tail),
    check: rdbCheck,
    filter: () => new EofMarkStrip(),
    error: (message, options) => new RedisError(message, options),
  });
}
