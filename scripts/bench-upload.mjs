// npm run bench (upload row): a complete local backup of ~300 MiB (and 1 GiB, to show memory stays flat) copied
// by `snapshotter run` to a local S3 server (s3rver), next to curl sending the same archive to the same server.
//   BENCH_UPLOAD_SIZES=300m,1g (default)   archive sizes
//   BENCH_DIR=.bench (default)             where sources, backups and the server's objects go
//   BENCH_NODE_FLAGS="--cpu-prof"          node flags for the measured snapshotter runs (profiling)
// s3rver runs in a process of its own (scripts/bench/s3-server.mjs): its CPU is read from /proc and split per
// request type. The run's own backup is a tiny file (the big archive, and the tiny backups of the bench's earlier
// runs, are uploaded by the catch-up). Three walls per snapshotter row: the whole `run` (start-up, the tiny backup
// and its verify, the remote phase, retention); the remote phase (from "backup succeeded" to the last "uploaded" in
// its log: SDK load, list, every upload of the catch-up); the big archive's copy alone ("uploading" to "uploaded":
// the upload, HEAD check, sidecar, manifest), which is what compares with curl. Rows: curl -T (one PUT); curl multipart (the aws-cli sequence: 16 MiB parts, 4 in
// flight; what s3rver's part store and reassembly cost any client); snapshotter multipart (part_size 16m, the
// default); snapshotter one PUT (part_size above the archive: the request curl -T makes). CPU is user+sys.
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { curlMultipart, curlPut, splitParts } from './bench/curl-s3.mjs';
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
const PART = 16 * 1024 * 1024;

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
log: { level: info, file: ${dir}/${prefix}.log }
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
  return { file, log: join(dir, `${prefix}.log`) };
}

/** From the run's log: the archive's copy ("uploading" to "uploaded") and the remote phase ("backup succeeded" to
 * the last "uploaded": SDK load, list, the catch-up of every missing backup), in seconds. */
function copySeconds(logFile, archive) {
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const at = (msg, archiveName) => lines.findLast((l) => l.msg === msg && (!archiveName || l.archive === archiveName))?.time;
  const [from, to, backedUp, last] = [at('uploading', archive), at('uploaded', archive), at('backup succeeded'), at('uploaded')];
  if ([from, to, backedUp, last].includes(undefined))
    throw new Error(`${logFile}: no backup/uploading/uploaded lines for ${archive}`);
  const seconds = (a, b) => (Date.parse(b) - Date.parse(a)) / 1000;
  return { copy: seconds(from, to), remotePhase: seconds(backedUp, last) };
}

rmSync(benchDir, { recursive: true, force: true });
mkdirSync(benchDir, { recursive: true });
const server = fork(join(ROOT, 'scripts', 'bench', 's3-server.mjs'), [benchDir], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const [{ port }] = await once(server, 'message');
const serverTicks = () => {
  const stat = readFileSync(`/proc/${server.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, every thread of the server
};
const serverStats = async () => {
  server.send('stats');
  const [{ stats }] = await once(server, 'message');
  return stats;
};
/** Measures `run()` and the CPU s3rver spent serving it, in all and per request type. */
async function withServer(run) {
  await serverStats();
  const ticks = serverTicks();
  const result = await run();
  const serverCpu = (serverTicks() - ticks) / 100;
  return { ...result, serverCpu, byType: await serverStats() };
}
const rows = [];
try {
  for (const size of sizes) {
    const dir = join(benchDir, size);
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'parts'));
    randomFile(join(dir, 'src', 'data.bin'), parseSize(size));
    log(`${size}: local backup (not measured)`);
    execFileSync(process.execPath, [BIN, 'run', '-c', config(dir, port, 'none', false).file], { stdio: 'ignore' });
    const archive = readdirSync(join(dir, 'backups', 'big')).find((n) => n.endsWith('.tar.gz'));
    const archivePath = join(dir, 'backups', 'big', archive);
    writeFileSync(join(dir, 'src', 'data.bin'), 'tiny'); // the measured run's own backup is tiny
    const url = (prefix) => `http://127.0.0.1:${port}/bench/${prefix}-${size}/${archive}`;
    log(`${size}: curl -T`);
    const curl = await withServer(() => curlPut(archivePath, url('curl')));
    rows.push({ size, how: 'curl -T (one PUT)', ...curl, copy: curl.wall });
    log(`${size}: curl multipart (16 MiB parts, 4 in flight)`);
    const parts = splitParts(archivePath, join(dir, 'parts'), PART);
    const curlParts = await withServer(() => curlMultipart(parts, url('curl-mp'), join(dir, 'parts')));
    rows.push({ size, how: 'curl multipart', ...curlParts, copy: curlParts.wall });
    rmSync(join(dir, 'parts'), { recursive: true, force: true });
    log(`${size}: snapshotter run without a remote (the run's fixed cost: start-up, tiny backup, verify)`);
    const base = await measure(process.execPath, [BIN, 'run', '-c', config(dir, port, 'none', false).file]);
    rows.push({ size, how: 'snapshotter run, no remote', ...base, copy: undefined, serverCpu: 0, byType: {} });
    for (const [how, prefix, partSize] of [
      ['snapshotter multipart (16m)', `snap-${size}`, '16m'],
      ['snapshotter one PUT', `put-${size}`, '5g'],
    ]) {
      log(`${size}: ${how}`);
      const c = config(dir, port, prefix, true, partSize);
      const snap = await withServer(() => measure(process.execPath, [...nodeFlags, BIN, 'run', '-c', c.file]));
      rows.push({ size, how, ...snap, ...copySeconds(c.log, archive) });
    }
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  server.disconnect();
  await once(server, 'exit');
  rmSync(benchDir, { recursive: true, force: true });
}
const fmt = (n) => (n === undefined ? '' : `${n.toFixed(1)} s`);
const types = (byType) =>
  Object.entries(byType)
    .filter(([, t]) => t.cpu >= 0.05)
    .map(([k, t]) => `${k} ${t.count}× ${t.cpu.toFixed(1)}`)
    .join(', ');
const lines = [
  '| archive | client | wall | remote phase wall | archive copy wall | copy / curl -T | peak RSS | client CPU | s3rver CPU | s3rver CPU by request (count × CPU s) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const r of rows) {
  const curl = rows.find((c) => c.size === r.size && c.how.startsWith('curl -T'));
  const ratio = r.copy === undefined ? '' : `${(r.copy / curl.copy).toFixed(2)}x`;
  lines.push(
    `| ${r.size} | ${r.how} | ${fmt(r.wall)} | ${fmt(r.remotePhase)} | ${fmt(r.copy)} | ${ratio} | ${Math.round(r.rssMiB)} MiB | ${fmt(r.cpu)} | ${fmt(r.serverCpu)} | ${types(r.byType)} |`,
  );
}
process.stdout.write(lines.join('\n') + '\n');
