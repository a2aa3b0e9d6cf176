// What a dry run shows of hooks: each command it would run, in order, masked; nothing is run.
import type { Redactor } from '../util/redact.js';
import { displayHook } from './run-hook.js';
import type { HookEvent, HookSet } from './schema.js';

const WHEN: Record<HookEvent, string> = {
  before: 'hook before',
  after: 'hook after',
  on_failure: 'hook on_failure (only when it fails)',
};

/** The hooks of one event as dry-run steps: `hook before: systemctl stop app`. */
export function hookSteps(hooks: HookSet | undefined, event: HookEvent, redactor: Redactor): string[] {
  return (hooks?.[event] ?? []).map((hook) => `${WHEN[event]}: ${displayHook(hook, redactor)}`);
}

/** The run's own hooks, event by event, as a dry run lists them. */
export type RunHookPlan = Record<HookEvent, string[]>;

export function planRunHooks(hooks: HookSet | undefined, redactor: Redactor): RunHookPlan {
  return {
    before: hookSteps(hooks, 'before', redactor),
    after: hookSteps(hooks, 'after', redactor),
    on_failure: hookSteps(hooks, 'on_failure', redactor),
  };
}
