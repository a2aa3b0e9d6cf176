// Target `prometheus`: a TSDB snapshot through the admin API, archived as tar.gz, then removed from the data dir.
import { defineTarget } from '../types.js';
import { backupPrometheus } from './backup.js';
import { planPrometheus } from './plan.js';
import { PrometheusTarget } from './schema.js';

export const prometheusTarget = defineTarget({
  type: 'prometheus',
  schema: PrometheusTarget,
  storage: 'archive',
  plan: planPrometheus,
  backup: backupPrometheus,
});
