// Turns a failed client child (a dump or a restore) into a message an operator acts on: docker's "No such
// container" and "is not running" become plain sentences; the full command, exit code and stderr tail follow as
// the cause.
import { ProcessError, type ProcessExit } from '../../exec/errors.js';
import type { ClientPlace } from './client.js';

export class DumpError extends Error {
  override readonly name: string = 'DumpError';
}

/** The plain first sentence for a failed child, from docker's own words; `fallback` when docker is not to blame. */
function headline(place: ClientPlace, program: string, exit: ProcessExit, fallback: string): string {
  const container = place.container;
  if (exit.spawnCode === 'ENOENT') {
    // The file that was not found: docker, runuser (local client as os_user), or the client itself.
    const [file, key] =
      container !== undefined
        ? [place.docker_command, ' (docker_command)']
        : place.os_user !== undefined
          ? ['runuser', ' (for os_user)']
          : [program, ''];
    return `${file}${key} was not found on PATH: is it installed?`;
  }
  if (container !== undefined) {
    if (/No such container/i.test(exit.stderr)) return `container "${container}" does not exist`;
    if (/is not running|is paused|is restarting/i.test(exit.stderr)) return `container "${container}" is not running`;
    if (/Cannot connect to the Docker daemon|permission denied while trying to connect/i.test(exit.stderr)) {
      return `${place.docker_command} cannot reach the Docker daemon`;
    }
    if (/executable file not found|exec: "?\w+"?: not found|OCI runtime exec failed/i.test(exit.stderr)) {
      return `${program} could not be run inside container "${container}"`;
    }
  }
  if (exit.stopped) return `${program} was stopped`;
  return fallback;
}

/** An error whose message leads with what went wrong, keeping the ProcessError as its cause. */
export function explainExit(
  place: ClientPlace,
  program: string,
  command: string,
  exit: ProcessExit,
  make: (message: string, options: ErrorOptions) => Error = (m, o) => new DumpError(m, o),
  fallback = `${program} failed`,
): Error {
  return make(headline(place, program, exit, fallback), { cause: new ProcessError(command, exit) });
}
