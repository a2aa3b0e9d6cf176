// Container mode: `docker cp <container>:<path> -` streams the snapshot as a tar; `docker exec <container> rm -rf`
// removes it. Argument arrays only; stdout is streamed, never buffered; stderr is kept for the error message.
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import type { SnapshotSource } from './store.js';
import { childEnv } from '../../exec/env.js';

const KILL_AFTER_MS = 5_000;
const REMOVE_TIMEOUT_MS = 60_000;

export interface Docker {
  command: string;
  container: string;
  env: NodeJS.ProcessEnv;
}

export class DockerError extends Error {
  override readonly name = 'DockerError';
}

interface Outcome {
  exitCode?: number | undefined;
  signal?: string | undefined;
  stderr?: unknown;
  failed: boolean;
  isCanceled?: boolean;
  timedOut?: boolean;
  originalMessage?: string;
}

/** `docker cp C:/p - failed (exit 1): <last lines of stderr>`. */
function failure(argv: readonly string[], result: Outcome): DockerError {
  const stderr = typeof result.stderr === 'string' ? result.stderr.trim().split('\n').slice(-5).join(' | ') : '';
  const how = result.timedOut
    ? 'timed out'
    : result.exitCode !== undefined
      ? `exit ${result.exitCode}`
      : result.signal
        ? `killed by ${result.signal}`
        : (result.originalMessage ?? 'could not start');
  return new DockerError(`${argv.join(' ')} failed (${how})${stderr ? `: ${stderr}` : ''}`);
}

/** Streams the folder at `path` inside the container as a tar (entries `<basename>/...`). */
export function dockerCopy(docker: Docker, path: string, signal: AbortSignal): SnapshotSource {
  const argv = [docker.command, 'cp', `${docker.container}:${path}`, '-'];
  const child = execa(argv[0]!, argv.slice(1), {
    env: childEnv(docker.env),
    extendEnv: false,
    stdin: 'ignore',
    buffer: { stdout: false, stderr: true },
    reject: false,
    cancelSignal: signal,
    forceKillAfterDelay: KILL_AFTER_MS,
  });
  // Piped at once: execa drains an unread stdout after a tick, and the sink starts reading only later.
  const stream = child.stdout.pipe(new PassThrough({ highWaterMark: 1024 * 1024 }));
  return {
    stream,
    finish: async () => {
      const result = await child;
      if (result.failed) throw failure(argv, result);
      return { entries: null, blocks: null };
    },
    abort: () => {
      child.kill();
      child.catch(() => undefined);
    },
  };
}

/** Removes the folder at `path` inside the container. */
export async function dockerRemove(docker: Docker, path: string): Promise<void> {
  const argv = [docker.command, 'exec', docker.container, 'rm', '-rf', path];
  const result = await execa(argv[0]!, argv.slice(1), {
    env: childEnv(docker.env),
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: REMOVE_TIMEOUT_MS,
    forceKillAfterDelay: KILL_AFTER_MS,
  });
  if (result.failed) throw failure(argv, result);
}
