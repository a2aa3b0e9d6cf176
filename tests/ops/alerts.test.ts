// The example alerting rules of contrib/prometheus: promtool accepts them, and `promtool test rules` shows each
// alert firing on the series snapshotter writes (stale success, runs stopped, failure, shrink) and not before.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireBinaries } from '../helpers/binaries.js';
import { tmpDir } from '../helpers/tmp.js';
import { promtool } from './fixtures.js';

const RULES = fileURLToPath(new URL('../../contrib/prometheus/snapshotter-alerts.yml', import.meta.url));

// Series at 1m steps (a scrape every minute, as Prometheus would) from t=0: `db` succeeded at t=0 (its last-success stays 0) and then fails; `files` is fine
// (its last success follows the clock) but shrank; the last run is at t=0 and never again.
const TESTS = `rule_files: [${JSON.stringify(RULES)}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'snapshotter_target_last_success_timestamp_seconds{instance="web-01",target="db",type="postgres"}'
        values: '0x1700'
      - series: 'snapshotter_target_last_success_timestamp_seconds{instance="web-01",target="files",type="filesystem"}'
        values: '0+60x1700'
      - series: 'snapshotter_last_run_timestamp_seconds{instance="web-01"}'
        values: '0x1700'
      - series: 'snapshotter_target_success{instance="web-01",target="db",type="postgres"}'
        values: '1 0x1699'
      - series: 'snapshotter_target_suspicious_shrink{instance="web-01",target="files",type="filesystem"}'
        values: '0 1x1699'
    alert_rule_test:
      - eval_time: 25h
        alertname: SnapshotterBackupStale
        exp_alerts: []
      - eval_time: 27h
        alertname: SnapshotterBackupStale
        exp_alerts:
          - exp_labels: { severity: critical, instance: web-01, target: db, type: postgres }
            exp_annotations:
              summary: "No successful backup of db on web-01 for more than 26h"
      - eval_time: 27h
        alertname: SnapshotterNotRunning
        exp_alerts:
          - exp_labels: { severity: critical, instance: web-01 }
            exp_annotations:
              summary: "snapshotter has not run on web-01 for more than 26h"
      - eval_time: 2h
        alertname: SnapshotterTargetFailed
        exp_alerts:
          - exp_labels: { severity: warning, instance: web-01, target: db, type: postgres }
            exp_annotations:
              summary: "Backup of db (postgres) failed in the last run on web-01"
      - eval_time: 2h
        alertname: SnapshotterBackupShrank
        exp_alerts:
          - exp_labels: { severity: warning, instance: web-01, target: files, type: filesystem }
            exp_annotations:
              summary: "The newest backup of files on web-01 is much smaller than the one before"
`;

describe.runIf(requireBinaries('example alerting rules checked by promtool', { promtool }))('example alert rules', () => {
  it('pass promtool check rules and fire as documented', async () => {
    const check = await execa(promtool!, ['check', 'rules', RULES], { reject: false });
    expect(check.exitCode, String(check.stdout) + String(check.stderr)).toBe(0);
    const file = join(tmpDir(), 'alerts.test.yml');
    writeFileSync(file, TESTS);
    const test = await execa(promtool!, ['test', 'rules', file], { reject: false });
    expect(test.exitCode, String(test.stdout) + String(test.stderr)).toBe(0);
  });
});
