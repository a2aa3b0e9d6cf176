// One job, two program names (a renamed tool and its old name): locally the first one on PATH; in a container, the
// first, then the second when the container has no such program.
import { ProcessError } from '../../exec/errors.js';
import { findProgram } from '../../exec/which.js';
import type { ClientPlace } from './client.js';

/** Whether an error says the program itself is missing (not that it ran and failed). */
function missingProgram(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  if (!(cause instanceof ProcessError)) return false;
  return cause.exit.exitCode === 127 || /executable file not found|exec: "?[\w-]+"?: not found/i.test(cause.exit.stderr);
}

/** Runs `job` with the first program that exists where the client runs. */
export async function withFallback<T>(
  place: ClientPlace,
  programs: readonly string[],
  env: NodeJS.ProcessEnv,
  job: (program: string) => Promise<T>,
): Promise<T> {
  if (place.container === undefined) {
    for (const program of programs) if (await findProgram(program, env)) return job(program);
    return job(programs[0]!);
  }
  for (const [i, program] of programs.entries()) {
    try {
      return await job(program);
    } catch (error) {
      if (i === programs.length - 1 || !missingProgram(error)) throw error;
    }
  }
  throw new Error('no program to run');
}
