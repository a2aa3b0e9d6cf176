// Runs `snapshotter run` against a cloud target config and collects everything a token could leak into:
// stdout, stderr and the log file. The run goes through the CLI's main() in this process (tests/helpers/in-process.ts):
// these files test the target against the provider's API, and a CLI start-up per run was most of their CPU time;
// the cloud types' runs through the built CLI are tests/conformance/{digitalocean,hetzner}.test.ts, and list/status
// through it the last CLI test of tests/cloud/digitalocean.test.ts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunReport, TargetResult } from '../../../src/report.js';
import { mainInProcess } from '../../helpers/in-process.js';

export interface CloudRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  log: string;
  report: RunReport | undefined;
  target: TargetResult | undefined;
}

/** Writes `<dir>/snapshotter.yaml` with one target block (YAML lines, indented under `targets:`). */
export function writeConfig(dir: string, targetLines: string[]): string {
  const file = join(dir, 'snapshotter.yaml');
  const yaml = [
    `backup_dir: ${join(dir, 'backups')}`,
    'log:',
    '  level: debug',
    `  file: ${join(dir, 'snapshotter.log')}`,
    'targets:',
    ...targetLines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)),
  ].join('\n');
  writeFileSync(file, yaml + '\n', { mode: 0o600 });
  return file;
}

/** `snapshotter run -c <file> [args]`, asserting that the token appears nowhere it wrote. */
export async function runCloud(
  file: string,
  dir: string,
  token: string,
  args: string[] = ['--json'],
  env: Record<string, string> = {},
): Promise<CloudRun> {
  const result = await mainInProcess(['run', '-c', file, ...args], env);
  // The log file (rotated ones would sit beside it): read every one.
  const log = readdirSync(dir)
    .filter((f) => /^snapshotter.*\.log$/.test(f))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');
  for (const [where, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
    ['log file', log],
  ] as const) {
    expect(text.includes(token), `the token leaked into ${where}`).toBe(false);
  }
  let report: RunReport | undefined;
  if (args.includes('--json') && !args.includes('--dry-run')) {
    report = JSON.parse(result.stdout) as RunReport;
  }
  return { ...result, log, report, target: report?.targets[0] };
}
