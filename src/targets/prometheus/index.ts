// Target `prometheus`: a TSDB snapshot through the admin API, archived as tar.gz, then removed from the data dir.
import { tarCheck } from '../../archive/content-check.js';
import { defineTarget } from '../types.js';
import { backupPrometheus } from './backup.js';
import { planPrometheus } from './plan.js';
import { prometheusSpec } from './schema.js';

export const prometheusTarget = defineTarget({
  ...prometheusSpec,
  check: () => tarCheck(),
  plan: planPrometheus,
  backup: backupPrometheus,
});
