// Offsite copies against a real S3 protocol server (s3rver) behind a recording, fault-injecting front: byte-exact
// multipart copies, the manifest last, 503s ridden out, catch-up after an outage, a SIGKILL mid-upload.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { useS3 } from './s3-harness.js';
import { filesConfig, getBytes, keys, reader, SECRET, sha256Meta, sourceDir } from './setup.js';

const s3 = useS3();

function setup(prefix: string, mib: number, remoteExtra = '', top = '') {
  const dir = tmpDir();
  const src = sourceDir(dir, mib);
  const config = filesConfig({
    dir,
    src,
    top: `log: { file: ${dir}/log/snapshotter.log }\nmetrics: { textfile: ${dir}/metrics.prom }\n${top}`,
    remote: { endpoint: s3().front.endpoint, prefix, extra: remoteExtra },
  });
  return { dir, ...config };
}

const localArchives = (dir: string): string[] =>
  readdirSync(join(dir, 'backups', 'files'))
    .filter((n) => n.endsWith('.tar.gz'))
    .sort();

describe('offsite copy to S3', () => {
  it('copies a multipart archive byte for byte with its sha256, manifest last, lock headers on every object, no secret anywhere', async () => {
    s3().front.reset();
    const { dir, file, env } = setup(
      't1/',
      6,
      '    object_lock: { mode: GOVERNANCE, days: 30 }\n    storage_class: STANDARD_IA\n',
    );
    const run = await runCli(['run', '-c', file, '--json'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const [name] = localArchives(dir);
    const report = JSON.parse(run.stdout) as { targets: { remotes: { name: string; status: string; uploaded: string[] }[] }[] };
    expect(report.targets[0]!.remotes).toMatchObject([{ name: 'offsite', status: 'success', uploaded: [name] }]);

    const s = reader(s3().direct);
    const key = `t1/h1/files/${name}`;
    const local = readFileSync(join(dir, 'backups', 'files', name!));
    expect((await getBytes(s, key)).equals(local)).toBe(true);
    const sidecar = readFileSync(join(dir, 'backups', 'files', `${name}.sha256`), 'utf8');
    expect(await sha256Meta(s, key)).toBe(sidecar.slice(0, 64));
    expect((await getBytes(s, `${key}.sha256`)).toString()).toBe(sidecar);
    const manifest = readFileSync(join(dir, 'backups', 'files', `${name}.json`), 'utf8');
    expect((await getBytes(s, `${key}.json`)).toString()).toBe(manifest);

    const writes = s3().front.writes();
    const parts = writes.filter((w) => w.url.includes('partNumber='));
    expect(parts.length).toBe(2); // 6 MiB in 5 MiB parts
    expect(writes.at(-1)!.url).toContain(`${name}.json`);
    expect(writes.at(-2)!.url).toContain(`${name}.sha256`);
    const heads = s3().front.requests.filter((r) => r.method === 'HEAD');
    expect(s3().front.requests.indexOf(heads.at(-1)!)).toBeLessThan(s3().front.requests.indexOf(writes.at(-2)!));
    for (const w of writes.filter((w) => !w.url.includes('partNumber=') && !w.url.includes('uploadId='))) {
      expect(w.headers['x-amz-object-lock-mode'], w.url).toBe('GOVERNANCE');
      expect(Date.parse(String(w.headers['x-amz-object-lock-retain-until-date'])) - Date.now()).toBeGreaterThan(29 * 86_400_000);
      expect(w.headers['x-amz-storage-class'], w.url).toBe('STANDARD_IA');
    }
    for (const w of writes.filter((w) => w.method === 'PUT')) expect(w.headers['content-md5'], w.url).toBeTruthy();

    // pino-roll numbers the log files (snapshotter.1.log, ...).
    const log = readdirSync(join(dir, 'log'))
      .map((n) => readFileSync(join(dir, 'log', n), 'utf8'))
      .join('');
    expect(log).toContain('uploaded');
    const check = await runCli(['config', 'check', '-c', file], { env });
    for (const text of [run.stdout, run.stderr, log, manifest, check.stdout, check.stderr]) expect(text).not.toContain(SECRET);
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
    expect(check.stdout).not.toContain('S3RVER');
    const metrics = readFileSync(join(dir, 'metrics.prom'), 'utf8');
    expect(metrics).toMatch(
      /snapshotter_remote_last_success_timestamp_seconds\{target="files",type="filesystem",remote="offsite"\} [1-9]/,
    );
    expect(metrics).toContain('snapshotter_remote_backups{target="files",type="filesystem",remote="offsite"} 1');
  });

  it('rides out 503 SlowDown on parts, each part retried on its own; a 501 is asked once', async () => {
    s3().front.reset();
    const { file, env } = setup('t2/', 6);
    s3().front.fail({ status: 503, code: 'SlowDown', match: (r) => r.url.includes('partNumber=2'), times: 2 });
    // A service without ListMultipartUploads (s3rver itself, some S3-compatibles): not retried, one warning.
    const listUploads = (r: { method: string; url: string }): boolean => r.method === 'GET' && /[?&]uploads(=|&|$)/.test(r.url);
    s3().front.fail({ status: 501, code: 'NotImplemented', match: listUploads, times: 4 });
    const run = await runCli(['run', '-c', file], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(s3().front.requests.filter(listUploads)).toHaveLength(1);
    expect(run.stderr).toContain('the service cannot list multipart uploads');
    expect(run.stderr).not.toContain('list multipart uploads under');
    expect(run.stderr).not.toContain('non-retryable streaming request'); // the SDK's own console line
    const parts = s3()
      .front.writes()
      .filter((w) => w.url.includes('partNumber='));
    expect(parts.filter((p) => p.url.includes('partNumber=1')).length).toBe(1);
    expect(parts.filter((p) => p.url.includes('partNumber=2')).length).toBe(3);
    expect((await keys(reader(s3().direct), 't2/')).filter((k) => k.endsWith('.json'))).toHaveLength(1);
  });

  it('fails the target during an outage, keeps the local backup, says which remote; the next run catches up', async () => {
    s3().front.reset();
    const { dir, file, env } = setup(
      't3/',
      1,
      '',
      `notifications:\n  webhooks:\n    - url: http://127.0.0.1:9/hook\n      payload: { remote: "{remote}", error: "{error}" }\n`,
    );
    s3().front.outage(true);
    const failed = await runCli(['run', '-c', file, '--json'], { env });
    expect(failed.exitCode).toBe(1);
    const report = JSON.parse(failed.stdout) as {
      targets: { status: string; error: string; remotes: { status: string; error: string }[] }[];
    };
    expect(report.targets[0]!.status).toBe('failure');
    expect(report.targets[0]!.error).toContain('copy to remote "offsite" failed');
    expect(report.targets[0]!.remotes[0]!.error).toContain(`s3 ${s3().front.endpoint}, bucket backups`);
    expect(localArchives(dir)).toHaveLength(1);
    expect(readFileSync(join(dir, 'metrics.prom'), 'utf8')).toContain(
      'snapshotter_remote_last_success_timestamp_seconds{target="files",type="filesystem",remote="offsite"} 0',
    );
    s3().front.outage(false);
    s3().front.reset();
    const preview = await runCli(['run', '-c', file, '--dry-run'], { env });
    expect(preview.stdout).toContain(`would upload (the new backup of files)\n  would upload ${localArchives(dir)[0]}`);
    expect(s3().front.writes()).toEqual([]);

    const caught = await runCli(['run', '-c', file, '--json'], { env });
    expect(caught.exitCode, caught.stderr).toBe(0);
    const [older, newer] = localArchives(dir);
    const again = JSON.parse(caught.stdout) as { targets: { remotes: { uploaded: string[] }[] }[] };
    expect(again.targets[0]!.remotes[0]!.uploaded).toEqual([newer, older]);
    expect((await keys(reader(s3().direct), 't3/')).filter((k) => k.endsWith('.json'))).toHaveLength(2);
  });

  it('leaves no complete-looking backup when killed mid-upload; the next run aborts the orphaned upload and completes it', async () => {
    s3().front.reset();
    const { dir, file, env } = setup('t4/', 6);
    const firstPart = s3().front.next((r) => r.url.includes('partNumber='));
    const child = startCli(['run', '-c', file], { env });
    await firstPart;
    s3().front.hang(true); // nothing more gets through: the kill lands mid-upload
    child.kill('SIGKILL');
    await child;
    s3().front.hang(false);
    const s = reader(s3().direct);
    expect((await keys(s, 't4/')).filter((k) => k.endsWith('.json') || k.endsWith('.tar.gz'))).toEqual([]);
    const orphans = s3()
      .front.pendingUploads()
      .filter((u) => u.key.startsWith('t4/h1/files/'));
    expect(orphans).toHaveLength(1);
    const listed = await runCli(['list', '-c', file, '--remote', 'offsite'], { env });
    expect(listed.stdout).toContain('0 backups');
    s3().front.reset();
    const preview = await runCli(['run', '-c', file, '--dry-run'], { env });
    expect(preview.stdout).toContain(`would abort the unfinished multipart upload ${orphans[0]!.key} (started `);
    expect(s3().front.writes()).toEqual([]);

    const next = await runCli(['run', '-c', file], { env });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(s3().front.requests.some((r) => r.method === 'DELETE' && r.url.includes(`uploadId=${orphans[0]!.uploadId}`))).toBe(
      true,
    );
    expect(s3().front.pendingUploads()).toEqual([]);
    const archives = localArchives(dir);
    for (const name of archives) {
      const local = readFileSync(join(dir, 'backups', 'files', name));
      expect((await getBytes(s, `t4/h1/files/${name}`)).equals(local), name).toBe(true);
      expect(await keys(s, `t4/h1/files/${name}.json`)).toHaveLength(1);
    }
  });
});
