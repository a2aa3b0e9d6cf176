// The `hooks:` key, at the top level (around the whole run) and in each target (around its backup): the operator's
// own commands, each an argument list run as it is or a command line run with /bin/sh -c.
import * as z from 'zod';

/** One hook: `["systemctl", "stop", "app"]` (run as is) or `"pg_ctl stop && sync"` (run with /bin/sh -c). */
export const Hook = z.union(
  [
    z.string().refine((text) => text.trim() !== '', 'a hook command line must not be empty'),
    z
      .array(z.string(), { error: 'a hook is a command line or a list of arguments' })
      .min(1, 'a hook argument list needs at least the program')
      .refine((argv) => argv[0] !== '', 'the program of a hook must not be empty'),
  ],
  { error: 'a hook is a command line (string) or a list of arguments' },
);
export type Hook = z.infer<typeof Hook>;

const hookList = z.array(Hook, { error: 'must be a list of hooks' }).default([]);

/** What runs before, after (always, once `before` started) and on failure. */
export const HookSet = z.strictObject({
  before: hookList,
  after: hookList,
  on_failure: hookList,
});
export type HookSet = z.infer<typeof HookSet>;

export type HookEvent = keyof HookSet;

/** Five minutes: long enough to stop a service, short enough that a hung hook cannot hold the run forever. */
export const DEFAULT_HOOK_TIMEOUT_MS = 5 * 60_000;

/** True when a set holds no hook at all. */
export function noHooks(hooks: HookSet | undefined): boolean {
  return !hooks || hooks.before.length + hooks.after.length + hooks.on_failure.length === 0;
}
