// A Prometheus target backed up encrypted: a real Prometheus (its admin API makes the snapshot), the archive ends in
// .tar.gz.age, and stock `age -d` with an age-keygen identity gives back a tar that holds the snapshot's blocks.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { startPrometheus, type TestPrometheus } from '../prometheus/server.js';

const binaries = {
  prometheus: findBinary('prometheus'),
  age: findBinary('age'),
  'age-keygen': findBinary('age-keygen'),
  tar: findBinary('tar'),
};
const enabled = requireBinaries('encrypted prometheus test', binaries);

describe.skipIf(!enabled)('prometheus target, encrypted', () => {
  let prometheus: TestPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus(binaries.prometheus!, { admin: true });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('writes a .tar.gz.age that stock age decrypts into a tar of the snapshot blocks', async () => {
    const dir = tmpDir();
    const key = join(dir, 'key.txt');
    execFileSync('age-keygen', ['-o', key], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', key], { encoding: 'utf8' }).trim();
    const config = join(dir, 'snapshotter.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups
targets:
  - name: metrics
    type: prometheus
    url: ${prometheus.url}
    data_dir: ${prometheus.dataDir}
    encryption: { age_recipients: [${recipient}] }
`,
    );
    const result = await runCli(['run', '-c', config]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const archives = readdirSync(join(dir, 'backups', 'metrics')).filter((n) => /\.tar\.gz\.age$/.test(n));
    expect(archives).toHaveLength(1);
    const archive = join(dir, 'backups', 'metrics', archives[0]!);

    const plain = execFileSync('age', ['-d', '-i', key, archive], { maxBuffer: 256 * 1024 * 1024 });
    const names = execFileSync('tar', ['-tz'], { input: plain, encoding: 'utf8' }).trim().split('\n');
    // One snapshot folder holding at least one TSDB block (a ULID folder with meta.json, index and chunks).
    const snapshots = new Set(names.map((n) => n.split('/')[0]));
    expect(snapshots.size).toBe(1);
    const metas = names.filter((n) => /^[^/]+\/[0-9A-HJKMNP-TV-Z]{26}\/meta\.json$/.test(n));
    expect(metas.length).toBeGreaterThan(0);
    const block = metas[0]!.slice(0, -'meta.json'.length);
    expect(names).toContain(`${block}index`);
    expect(names.some((n) => n.startsWith(`${block}chunks/`))).toBe(true);
  });
});
