// How a database client runs: inside a container through `docker exec` (or podman), or on this machine. Secrets
// reach the child through its environment only; with docker, `-e NAME` without a value makes docker copy it from
// its own environment, so the value never shows in argv.
import type { CommandSpec } from '../../exec/command.js';

/** The keys every dump-style target shares to say where its client runs. */
export interface ClientPlace {
  /** `docker exec <container> ...`; undefined: the local client. */
  container?: string | undefined;
  docker_command: string;
  /** `docker exec -u <exec_user>`. */
  exec_user?: string | undefined;
  /** Local mode: the client runs as this system user through `runuser` (a type that offers it, e.g. `os_user`). */
  os_user?: string | undefined;
}

export interface ClientCall {
  program: string;
  args: string[];
  /** Secret variables for the child (a password): passed by name through docker, never as an argument. */
  secretEnv?: Record<string, string>;
  /** `docker exec -i`: the client reads stdin (a restore). */
  interactive?: boolean;
}

/** `docker exec [-i] [-u U] [-e NAME]... <container> PROGRAM ARGS`, or `PROGRAM ARGS` locally. */
export function clientCommand(place: ClientPlace, call: ClientCall): CommandSpec {
  const env = call.secretEnv && Object.keys(call.secretEnv).length > 0 ? call.secretEnv : undefined;
  const names = Object.keys(env ?? {});
  if (place.container === undefined) return { file: call.program, args: call.args, env, secretEnv: names };
  return {
    file: place.docker_command,
    args: [
      'exec',
      ...(call.interactive ? ['-i'] : []),
      ...(place.exec_user !== undefined ? ['-u', place.exec_user] : []),
      ...names.flatMap((name) => ['-e', name]),
      place.container,
      call.program,
      ...call.args,
    ],
    env,
    secretEnv: names,
  };
}
