// The dry run: read-only checks (Prometheus answers, its admin API is on, the data dir is there) and the paths.
import { CODEC_SUFFIX } from '../../archive/codec.js';
import type { Plan, PlanContext } from '../types.js';
import { errorMessage } from '../../util/errors.js';
import { ADMIN_HINT, checkAdmin, makeApi } from './api.js';
import { dataDirProblem, snapshotPath } from './host.js';
import type { PrometheusTarget } from './schema.js';
import { StateFile } from './state.js';
import { tsdbPathProblem } from './tsdb-path.js';
import { locatedStore, storeFor } from './store.js';

/** The dry-run plan; every problem found is one that would make the backup fail. */
export async function planPrometheus(ctx: PlanContext, config: PrometheusTarget): Promise<Plan> {
  const steps: string[] = [];
  const problems: string[] = [];
  const store = storeFor(config, ctx.env);
  const api = makeApi(config, ctx.redactor, ctx.signal);

  try {
    for (const pending of await new StateFile(ctx.targetDir).read()) {
      const old = locatedStore(pending.data_dir, pending.container, config.docker_command, 0, ctx.env);
      steps.push(`remove ${old.where(pending.name)} (left by an earlier run)`);
    }
  } catch (error) {
    problems.push(errorMessage(error));
  }

  try {
    const check = await checkAdmin(api);
    steps.push(`Prometheus at ${config.url} answers; admin API ${check.adminEnabled ? 'enabled' : 'DISABLED'}`);
    if (!check.adminEnabled) problems.push(`the admin API of Prometheus at ${config.url} is disabled: ${ADMIN_HINT}`);
    if (check.tsdbPath !== undefined) steps.push(`Prometheus reports --storage.tsdb.path=${check.tsdbPath}`);
    const mismatch = await tsdbPathProblem(check.tsdbPath, store);
    if (mismatch) problems.push(mismatch);
  } catch (error) {
    problems.push(errorMessage(error));
  }

  steps.push(`POST ${config.url}/api/v1/admin/tsdb/snapshot${config.skip_head ? '?skip_head=true' : ''}`);
  const snapshot = store.where('<snapshot>');
  if (store.container === undefined) {
    const problem = await dataDirProblem(store.dataDir);
    steps.push(`read ${snapshot} (data_dir ${problem ? 'MISSING or not a TSDB' : 'exists'})`);
    if (problem) problems.push(problem);
  } else {
    steps.push(`${config.docker_command} cp ${snapshot} -`);
  }
  steps.push(
    `write ${ctx.targetDir}/${ctx.target}-<stamp>.tar.${CODEC_SUFFIX[config.compression]} (entries <snapshot>/<block>/...)`,
  );
  steps.push(
    store.container === undefined
      ? `remove ${snapshot}`
      : `${config.docker_command} exec ${store.container} rm -rf ${snapshotPath(store.dataDir, '<snapshot>')}`,
  );
  return { steps, problems };
}
