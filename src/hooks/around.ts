// Hooks around a piece of work (the whole run, or one target's backup): `before` in order, stopping at the first
// failure, which skips the work; then `after`, always once a `before` hook was started; then `on_failure` when
// the work failed, unless the run was interrupted (the exit code 130/143 says so, and the operator asked to stop).
import type { HookResult } from '../report.js';
import type { HookFacts } from './env.js';
import { runHook, type HookScope } from './run-hook.js';
import { noHooks, type HookEvent, type HookSet } from './schema.js';

/** Who the hooks run for: a target's name and type, or empty strings for the run's own hooks. */
export interface HookSubject {
  target: string;
  type: string;
  hostname: string;
}

export interface Around<T> {
  /** The work, when every `before` hook succeeded. */
  work(): Promise<T>;
  /** What a failed `before` hook makes of the work (a failed result naming the hook). */
  skipped(error: string): T;
  /** The status and archive that `after` and `on_failure` hooks are told. */
  outcome(value: T): Pick<HookFacts, 'status' | 'archive'>;
}

export interface Hooked<T> {
  value: T;
  /** Every hook that ran, in order. */
  hooks: HookResult[];
  /** The `after` and `on_failure` hooks that failed: warnings, they never undo the work. */
  failedLater: HookResult[];
}

/** Runs the hooks of one event in order; `before` stops at the first failure. */
async function runEvent(
  scope: HookScope,
  hooks: HookSet,
  event: HookEvent,
  facts: Omit<HookFacts, 'event'>,
): Promise<HookResult[]> {
  const results: HookResult[] = [];
  for (const hook of hooks[event]) {
    const result = await runHook(scope, hook, { ...facts, event });
    results.push(result);
    if (result.error !== null && event === 'before') break;
  }
  return results;
}

/** Runs `around.work()` inside the hooks of `hooks`. */
export async function withHooks<T>(
  scope: HookScope,
  subject: HookSubject,
  hooks: HookSet | undefined,
  around: Around<T>,
): Promise<Hooked<T>> {
  // Nothing started yet when the run was already interrupted: no `before`, so no `after` either.
  if (!hooks || noHooks(hooks) || scope.signal.aborted) return { value: await around.work(), hooks: [], failedLater: [] };
  const base = { ...subject, status: '' as const, archive: '' };
  const results = await runEvent(scope, hooks, 'before', base);
  const failedBefore = results.find((r) => r.error !== null);
  let value: T;
  try {
    value = failedBefore ? around.skipped(failedBefore.error!) : await around.work();
  } catch (error) {
    await runEvent(scope, hooks, 'after', { ...base, status: 'failure' });
    throw error;
  }
  const outcome = { ...base, ...around.outcome(value) };
  const later = await runEvent(scope, hooks, 'after', outcome);
  if (outcome.status === 'failure') {
    if (scope.signal.aborted) {
      if (hooks.on_failure.length > 0) scope.logger.warn('on_failure hooks skipped: the run was interrupted');
    } else {
      later.push(...(await runEvent(scope, hooks, 'on_failure', outcome)));
    }
  }
  return { value, hooks: [...results, ...later], failedLater: later.filter((r) => r.error !== null) };
}
