// Shared set-up of the operability tests: a config with filesystem targets, and a reader of the metrics file
// that does not reuse our own parser (promtool is the independent judge of the format).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { findBinary } from '../helpers/binaries.js';

export interface FsTarget {
  name: string;
  paths: string[];
  extra?: string;
}

/** Writes `<dir>/config.yaml` with filesystem targets and a metrics file at `<dir>/metrics/snapshotter.prom`. */
export function writeConfig(dir: string, targets: FsTarget[], top = ''): { config: string; metrics: string; backups: string } {
  const backups = join(dir, 'backups');
  const metrics = join(dir, 'metrics', 'snapshotter.prom');
  const lines = [`backup_dir: ${backups}`, `metrics:`, `  textfile: ${metrics}`, top, 'targets:'];
  for (const t of targets) {
    lines.push(`  - name: ${t.name}`, `    type: filesystem`, `    paths: [${t.paths.join(', ')}]`);
    if (t.extra) lines.push(`    ${t.extra}`);
  }
  const config = join(dir, 'config.yaml');
  writeFileSync(config, lines.filter((l) => l !== '').join('\n') + '\n');
  return { config, metrics, backups };
}

/** A folder with one file of `bytes` random (incompressible) bytes. */
export function sourceDir(dir: string, name: string, bytes: number): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'data.bin'), randomBytes(bytes));
  return path;
}

/** `metric{target="x",...}` → value, read with a plain regex. */
export function readMetrics(path: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m) values.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return values;
}

/** The series key of a target metric as the file spells it. */
export const series = (metric: string, target: string): string => `${metric}{target="${target}",type="filesystem"}`;

export const promtool = findBinary('promtool');

/** promtool's verdict on a metrics file: exit code and what it printed. */
export async function promtoolCheck(path: string): Promise<{ exitCode: number; output: string }> {
  const result = await execa(promtool!, ['check', 'metrics'], { input: readFileSync(path), reject: false });
  return { exitCode: result.exitCode ?? -1, output: `${result.stdout}${result.stderr}` };
}
