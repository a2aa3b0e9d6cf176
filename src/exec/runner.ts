// Starts a child process for a target: argument array only (never a shell), stdout as a stream, stderr kept as a
// bounded tail, secrets through the environment. The child leads its own process group so that stopping it
// (abort, timeout) also stops what it started (a dump tool that runs another per database): SIGTERM, then SIGKILL after a grace.
import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../util/redact.js';
import { formatCommand, type CommandSpec } from './command.js';
import { childEnv } from './env.js';
import { ProcessError, type ProcessExit } from './errors.js';
import { BoundedTail, STDERR_LIMIT } from './tail.js';

export const KILL_GRACE_MS = 5000;

export interface ProcessOptions {
  /** Stops the child when it fires. */
  signal: AbortSignal;
  redactor: Redactor;
  logger?: Logger;
  /** snapshotter's environment: the child gets only its base variables (see env.ts), then `spec.env`. */
  env: NodeJS.ProcessEnv;
  /** `pipe` to feed the child (restore); `ignore` by default. */
  stdin?: 'ignore' | 'pipe';
  killGraceMs?: number;
  stderrLimit?: number;
}

export interface RunningProcess {
  /** The command line, secrets masked. */
  command: string;
  stdout: Readable;
  /** Also read by the bounded tail; a second reader (hook output to the log) may attach. */
  stderr: Readable;
  stdin: Writable | null;
  /** Resolves once the child has ended and its pipes are closed; never rejects. */
  exited: Promise<ProcessExit>;
  /** SIGTERM to the child's process group, SIGKILL after the grace period. Idempotent. */
  stop(): void;
  /** The exit, or a ProcessError when the child did not exit with code 0. */
  succeeded(): Promise<ProcessExit>;
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Starts `spec` and returns its streams and its exit; the caller consumes stdout (or stops the child). */
export function startProcess(spec: CommandSpec, options: ProcessOptions): RunningProcess {
  const command = formatCommand(spec, options.redactor);
  const redact = (text: string): string => options.redactor.redact(text);
  const grace = options.killGraceMs ?? KILL_GRACE_MS;
  const child = execa(spec.file, [...spec.args], {
    env: childEnv(options.env, spec.env),
    extendEnv: false,
    stdin: options.stdin ?? 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    detached: true,
    cleanup: false,
  });
  const tail = new BoundedTail(options.stderrLimit ?? STDERR_LIMIT);
  child.stderr.pipe(tail);
  options.logger?.debug({ command, pid: child.pid }, 'process started');

  let stopped = false;
  let childGone = false;
  let killTimer: NodeJS.Timeout | undefined;
  // Once we stopped the child and it is gone, a descendant that escaped the group may still hold the pipes open:
  // stop waiting on them, or that descendant would hang the run and its lock forever.
  const releasePipes = (): void => {
    if (!stopped || !childGone) return;
    child.stdout.destroy();
    child.stderr.destroy();
  };
  child.once('exit', () => {
    childGone = true;
    releasePipes();
  });
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    signalGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), grace);
    releasePipes();
  };
  if (options.signal.aborted) stop();
  else options.signal.addEventListener('abort', stop, { once: true });

  const exited: Promise<ProcessExit> = child.then((result) => {
    options.signal.removeEventListener('abort', stop);
    if (killTimer) clearTimeout(killTimer);
    const spawnCode = typeof result.code === 'string' && result.exitCode === undefined && !result.signal ? result.code : null;
    const exit: ProcessExit = {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      stderr: redact(tail.text()),
      spawnError: spawnCode ? redact(result.originalMessage ?? result.shortMessage ?? spawnCode) : null,
      spawnCode,
      stopped,
    };
    options.logger?.debug({ command, exit_code: exit.exitCode, signal: exit.signal }, 'process ended');
    return exit;
  });

  return {
    command,
    stdout: child.stdout,
    stderr: child.stderr,
    stdin: child.stdin ?? null,
    exited,
    stop,
    async succeeded() {
      const exit = await exited;
      if (exit.exitCode !== 0) throw new ProcessError(command, exit);
      return exit;
    },
  };
}
