// Turns a failed pg_dumpall / psql child into a message an operator acts on: docker's "No such container" and
// "is not running" become plain sentences; the full command, exit code and stderr tail follow as the cause.
import { ProcessError, type ProcessExit } from '../../exec/errors.js';
import type { PostgresTarget } from './schema.js';

export class PostgresError extends Error {
  override readonly name = 'PostgresError';
}

/** The plain first sentence for a failed child, from docker's and libpq's own words. */
function headline(config: PostgresTarget, program: string, exit: ProcessExit): string {
  const container = config.container;
  if (exit.spawnCode === 'ENOENT') {
    const file = container !== undefined ? config.docker_command : program;
    const key = container !== undefined ? ' (docker_command)' : '';
    return `${file}${key} was not found on PATH: is it installed?`;
  }
  if (container !== undefined) {
    if (/No such container/i.test(exit.stderr)) return `container "${container}" does not exist`;
    if (/is not running|is paused|is restarting/i.test(exit.stderr)) return `container "${container}" is not running`;
    if (/Cannot connect to the Docker daemon|permission denied while trying to connect/i.test(exit.stderr)) {
      return `${config.docker_command} cannot reach the Docker daemon`;
    }
    if (/executable file not found|exec: "?\w+"?: not found|OCI runtime exec failed/i.test(exit.stderr)) {
      return `${program} could not be run inside container "${container}"`;
    }
  }
  if (exit.stopped) return `${program} was stopped`;
  return program === 'psql' ? 'psql failed: the restore stopped at the first error' : `${program} failed`;
}

/** A PostgresError whose message leads with what went wrong, keeping the ProcessError as its cause. */
export function explainFailure(config: PostgresTarget, program: string, command: string, exit: ProcessExit): PostgresError {
  const cause = new ProcessError(command, exit);
  return new PostgresError(headline(config, program, exit), { cause });
}
