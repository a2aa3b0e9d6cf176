// Runs one hook: its own process group (killed on timeout or, for `before`, on interruption), the minimal
// environment, every output line to the log (masked), and a result with exit code and duration for the report.
import { pipeline } from 'node:stream/promises';
import { formatCommand, type CommandSpec } from '../exec/command.js';
import { describeExit } from '../exec/errors.js';
import { startProcess } from '../exec/runner.js';
import type { Logger } from '../logging/logger.js';
import type { HookResult } from '../report.js';
import { formatDuration } from '../util/duration.js';
import { errorMessage } from '../util/errors.js';
import type { Redactor } from '../util/redact.js';
import { hookEnv, type HookFacts } from './env.js';
import { LineSplitter } from './lines.js';
import type { Hook } from './schema.js';

/** Where hooks run: shared by every hook of one run or one target. */
export interface HookScope {
  logger: Logger;
  redactor: Redactor;
  /** snapshotter's environment: only its minimal base reaches the hook. */
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Aborted when the run is interrupted: stops a `before` hook; `after` hooks still run to their end. */
  signal: AbortSignal;
  timeoutMs: number;
}

class HookTimeoutError extends Error {
  override readonly name = 'HookTimeoutError';
}

/** The argv a hook runs: a list as is, a string through /bin/sh -c (it is the operator's own command line). */
export function hookSpec(hook: Hook): CommandSpec {
  if (typeof hook === 'string') return { file: '/bin/sh', args: ['-c', hook] };
  return { file: hook[0]!, args: hook.slice(1) };
}

/** The hook as the operator wrote it, secrets masked: a command line as is, a list quoted word by word. */
export function displayHook(hook: Hook, redactor: Redactor): string {
  return typeof hook === 'string' ? redactor.redact(hook) : formatCommand(hookSpec(hook), redactor);
}

function seconds(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 10) / 100;
}

/** Runs one hook to its end (or its timeout) and says how it went; never throws. */
export async function runHook(scope: HookScope, hook: Hook, facts: HookFacts): Promise<HookResult> {
  const command = displayHook(hook, scope.redactor);
  const logger = scope.logger.child({ hook: facts.event, command });
  const started = scope.now();
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new HookTimeoutError(`timed out after ${formatDuration(scope.timeoutMs)}`)),
    scope.timeoutMs,
  );
  timer.unref();
  const signal = facts.event === 'before' ? AbortSignal.any([scope.signal, timeout.signal]) : timeout.signal;
  const log = (stream: 'stdout' | 'stderr') =>
    new LineSplitter((line) => logger.info({ stream, line: scope.redactor.redact(line) }, 'hook output'));
  logger.info('hook started');
  try {
    // The hook's whole environment is its own (hookEnv): nothing of snapshotter's is added on top.
    const child = startProcess(
      { ...hookSpec(hook), env: hookEnv(scope.env, facts) },
      { signal, redactor: scope.redactor, env: {} },
    );
    // pipeline, not pipe: when the runner destroys the pipes of a killed hook (a descendant may hold them open),
    // the log side ends too instead of waiting forever for an end that never comes.
    const out = log('stdout');
    const err = log('stderr');
    const drained = [pipeline(child.stdout, out), pipeline(child.stderr, err)].map((p) => p.catch(() => undefined));
    const exit = await child.exited;
    await Promise.all(drained);
    const duration = seconds(started, scope.now());
    let error: string | null = null;
    if (exit.exitCode !== 0) {
      const reason: unknown = signal.aborted ? signal.reason : undefined;
      const how =
        reason instanceof HookTimeoutError
          ? `${reason.message} (its process group was killed)`
          : reason !== undefined
            ? `stopped: ${errorMessage(reason)}`
            : describeExit(exit);
      const tail = [...out.last, ...err.last].slice(-5).join(' | ');
      error = scope.redactor.redact(`${facts.event} hook \`${command}\` ${how}${tail ? `: ${tail}` : ''}`);
      logger.error({ exit_code: exit.exitCode, duration_seconds: duration, error }, 'hook failed');
    } else {
      logger.info({ exit_code: 0, duration_seconds: duration }, 'hook finished');
    }
    return { event: facts.event, command, exit_code: exit.exitCode, duration_seconds: duration, error };
  } catch (cause) {
    const error = scope.redactor.redact(`${facts.event} hook \`${command}\` could not run: ${errorMessage(cause)}`);
    logger.error({ error }, 'hook failed');
    return { event: facts.event, command, exit_code: null, duration_seconds: seconds(started, scope.now()), error };
  } finally {
    clearTimeout(timer);
  }
}
