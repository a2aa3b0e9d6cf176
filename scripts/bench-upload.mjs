// npm run bench (upload row): a complete local backup of ~300 MiB (and 1 GiB, to show memory stays flat) copied
// by `snapshotter run` to a local S3 server (s3rver), next to `curl -T` of the same archive to the same server.
//   BENCH_UPLOAD_SIZES=300m,1g (default)   archive sizes
//   BENCH_DIR=.bench (default)             where sources, backups and the server's objects go
//   BENCH_NODE_FLAGS="--cpu-prof"          node flags for the measured snapshotter run (profiling)
// The run's own backup is a tiny file (the big archive is uploaded by the catch-up), so the row measures the copy;
// "run without remote" is that run's fixed cost (start-up, the tiny backup and its verify) with no remote at all.
// Rows: multipart in 16 MiB parts (s3rver stores the parts, then reassembles them on complete), and one streamed
// PUT (part_size above the archive), the same request as curl's. CPU is user+sys; s3rver runs in this process.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import S3rver from 's3rver';
import { measure } from './bench/measure.mjs';
import { parseSize } from './bench/tree.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'snapshotter.js');
const benchDir = resolve(process.env.BENCH_DIR ?? join(ROOT, '.bench'), 'upload');
const sizes = (process.env.BENCH_UPLOAD_SIZES ?? '300m,1g')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const log = (line) => process.stderr.write(`bench-upload: ${line}\n`);

function randomFile(path, bytes) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    for (let left = bytes; left > 0; left -= chunk.length) writeSync(fd, randomFillSync(chunk), 0, Math.min(left, chunk.length));
  } finally {
    closeSync(fd);
  }
}

function config(dir, port, prefix, remotes, partSize = '16m') {
  const file = join(dir, `snapshotter-${prefix}.yaml`);
  writeFileSync(
    file,
    `backup_dir: ${dir}/backups
hostname: bench
log: { level: warn }
targets:
  - name: big
    type: filesystem
    paths: [${dir}/src]
    compression_level: 1
remotes:
  - name: local
    type: s3
    endpoint: http://127.0.0.1:${port}
    bucket: bench
    prefix: ${prefix}/
    access_key_id: S3RVER
    secret_access_key: S3RVER
    force_path_style: true
    part_size: ${partSize}
defaults:
  remotes: ${remotes ? '[local]' : '[]'}
`,
    { mode: 0o600 },
  );
  return file;
}

rmSync(benchDir, { recursive: true, force: true });
mkdirSync(benchDir, { recursive: true });
const port = 20000 + Math.floor(Math.random() * 20000);
const server = new S3rver({
  address: '127.0.0.1',
  port,
  silent: true,
  directory: join(benchDir, 's3'),
  configureBuckets: [{ name: 'bench' }],
});
await server.run();
const rows = [];
/** Measures a command and the CPU s3rver (in this process) spent serving it. */
async function withServerCpu(cmd, args) {
  const before = process.cpuUsage();
  const result = await measure(cmd, args);
  const used = process.cpuUsage(before);
  return { ...result, serverCpu: (used.user + used.system) / 1e6 };
}
try {
  for (const size of sizes) {
    const dir = join(benchDir, size);
    mkdirSync(join(dir, 'src'), { recursive: true });
    randomFile(join(dir, 'src', 'data.bin'), parseSize(size));
    log(`${size}: local backup (not measured)`);
    execFileSync(process.execPath, [BIN, 'run', '-c', config(dir, port, 'none', false)], { stdio: 'ignore' });
    const archive = readdirSync(join(dir, 'backups', 'big')).find((n) => n.endsWith('.tar.gz'));
    const archivePath = join(dir, 'backups', 'big', archive);
    writeFileSync(join(dir, 'src', 'data.bin'), 'tiny'); // the measured run's own backup is tiny
    log(`${size}: curl -T`);
    const curl = await withServerCpu('curl', [
      '-sS',
      '-f',
      '-T',
      archivePath,
      '--aws-sigv4',
      'aws:amz:us-east-1:s3',
      '--user',
      'S3RVER:S3RVER',
      '-H',
      'x-amz-content-sha256: UNSIGNED-PAYLOAD',
      `http://127.0.0.1:${port}/bench/curl-${size}/${archive}`,
    ]);
    log(`${size}: snapshotter run without a remote (the run's fixed cost: start-up, tiny backup, verify)`);
    const base = await measure(process.execPath, [BIN, 'run', '-c', config(dir, port, 'none', false)]);
    log(`${size}: snapshotter run (catch-up upload, multipart in 16 MiB parts)`);
    const snap = await withServerCpu(process.execPath, [...nodeFlags, BIN, 'run', '-c', config(dir, port, `snap-${size}`, true)]);
    rows.push({ size, curl, snap, base });
    // part_size above the archive: one streamed PUT, the same request curl makes (s3rver does no reassembly).
    log(`${size}: snapshotter run (catch-up upload, one PUT)`);
    const single = config(dir, port, `put-${size}`, true, '5g');
    const put = await withServerCpu(process.execPath, [...nodeFlags, BIN, 'run', '-c', single]);
    rows.push({ size: `${size} one PUT`, curl, snap: put, base });
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await server.close();
  rmSync(benchDir, { recursive: true, force: true });
}
const fmt = (n) => n.toFixed(1);
const lines = [
  '| archive | curl -T wall | snapshotter wall | ratio | snapshotter peak RSS | curl CPU | snapshotter CPU | s3rver CPU (curl / snapshotter) | run without remote wall |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const r of rows) {
  lines.push(
    `| ${r.size} | ${fmt(r.curl.wall)} s | ${fmt(r.snap.wall)} s | ${(r.snap.wall / r.curl.wall).toFixed(2)}x | ${Math.round(r.snap.rssMiB)} MiB | ${fmt(r.curl.cpu)} s | ${fmt(r.snap.cpu)} s | ${fmt(r.curl.serverCpu)} s / ${fmt(r.snap.serverCpu)} s | ${fmt(r.base.wall)} s |`,
  );
}
process.stdout.write(lines.join('\n') + '\n');
