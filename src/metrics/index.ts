// The metrics phase of a run: after every run (successful, partial, failed, or stopped before any target), the
// node_exporter textfile of DESIGN §7, written atomically. A metrics failure is logged, never a backup failure.
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../archive/atomic.js';
import type { Logger } from '../logging/logger.js';
import type { RunPhases } from '../orchestrator/run.js';
import type { RunReport } from '../report.js';
import type { TargetConfig } from '../targets/registry.js';
import { errorMessage } from '../util/errors.js';
import { collectFamilies, TARGET_METRICS, type TargetMetric, type TargetValues } from './collect.js';
import { parseSamples, renderFamilies } from './exposition.js';
import { remoteFamilies } from './remote.js';

/** node_exporter usually runs as its own user: the file (no secrets in it) must be readable by others. */
const METRICS_FILE_MODE = 0o644;

export interface MetricsOptions {
  /** `metrics.textfile`; without it the phase does nothing. */
  textfile: string | undefined;
  backupDir: string;
  targets: readonly TargetConfig[];
  logger: Logger;
}

/** Per target name, the target metrics of a file we wrote before (a missing or foreign file gives none). */
export async function readPreviousValues(path: string): Promise<Map<string, TargetValues>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return new Map();
  }
  const values = new Map<string, TargetValues>();
  for (const sample of parseSamples(text)) {
    const target = sample.labels.target;
    if (target === undefined || !(sample.name in TARGET_METRICS)) continue;
    const entry = values.get(target) ?? {};
    entry[sample.name as TargetMetric] = sample.value;
    values.set(target, entry);
  }
  return values;
}

/** Writes the metrics file for a finished run. */
export async function writeMetricsFile(
  path: string,
  report: RunReport,
  options: Omit<MetricsOptions, 'textfile' | 'logger'>,
): Promise<void> {
  const previous = await readPreviousValues(path);
  const families = await collectFamilies({ report, targets: options.targets, backupDir: options.backupDir, previous });
  const previousText = await readFile(path, 'utf8').catch(() => '');
  families.push(...remoteFamilies(report, options.targets, parseSamples(previousText)));
  // A folder we create must be readable by node_exporter whatever the umask (systemd's UMask=0077).
  const created = await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  if (created !== undefined) await chmod(dirname(path), 0o755);
  await writeFileAtomic(path, renderFamilies(families), { mode: METRICS_FILE_MODE });
}

/** The run phase that writes the metrics file once the report is built. */
export function metricsPhases(options: MetricsOptions): RunPhases {
  const { textfile, logger } = options;
  if (!textfile) return {};
  return {
    finished: async (report) => {
      try {
        await writeMetricsFile(textfile, report, options);
        logger.debug({ file: textfile }, 'metrics written');
      } catch (error) {
        logger.error({ file: textfile, error: errorMessage(error) }, 'could not write the metrics file');
      }
    },
  };
}
