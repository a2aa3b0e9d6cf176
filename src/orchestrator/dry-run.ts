// The dry-run plan: what each target would do, and what would make it fail. No writes, no remote mutation.
import { join } from 'node:path';
import { hookSteps } from '../hooks/plan.js';
import { loadTarget, targetSpec, type TargetConfig } from '../targets/registry.js';
import type { Plan } from '../targets/types.js';
import { errorMessage } from '../util/errors.js';
import type { RunContext } from './run-target.js';

export interface TargetPlan extends Plan {
  name: string;
  type: string;
}

/** Whether the target's archive would be encrypted (provider snapshots have no archive). */
function encryptionStep(target: TargetConfig): string[] {
  if (targetSpec(target).storage !== 'archive') return [];
  const recipients = target.encryption?.recipients.length ?? 0;
  if (recipients === 0) return ['archive not encrypted (no encryption set)'];
  return [`archive encrypted with age to ${recipients} recipient${recipients === 1 ? '' : 's'}`];
}

export async function planTargets(run: RunContext, selected: TargetConfig[]): Promise<TargetPlan[]> {
  const plans: TargetPlan[] = [];
  for (const target of selected) {
    const ctx = {
      target: target.name,
      hostname: run.config.hostname,
      backupDir: run.config.backup_dir,
      targetDir: join(run.config.backup_dir, target.name),
      logger: run.logger.child({ target: target.name, dry_run: true }),
      signal: run.signal,
      now: run.now,
      redactor: run.redactor,
      env: run.env,
    };
    let plan: Plan;
    try {
      plan = await (await loadTarget(target)).plan(ctx, target);
    } catch (error) {
      plan = { steps: [], problems: [errorMessage(error)] };
    }
    plans.push({
      name: target.name,
      type: target.type,
      steps: [
        ...hookSteps(target.hooks, 'before', run.redactor),
        ...plan.steps.map((s) => run.redactor.redact(s)),
        ...encryptionStep(target),
        ...hookSteps(target.hooks, 'after', run.redactor),
        ...hookSteps(target.hooks, 'on_failure', run.redactor),
      ],
      problems: plan.problems.map((s) => run.redactor.redact(s)),
    });
  }
  return plans;
}
