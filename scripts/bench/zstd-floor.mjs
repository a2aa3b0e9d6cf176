// What Node's zstd costs on its own, against the zstd CLI, on one tar of a bench tree: the floor under the zstd
// rows of `npm run bench` (docs/performance.md). Each step runs in a fresh process, as a backup would:
//   node scripts/bench/zstd-floor.mjs TREE_DIR [WORK_DIR]
// Node's rows compress the tar from memory in 1 MiB frames at level 3 (one long-lived compressor per block in
// flight, 3 in flight, as snapshotter does; each frame written out when done), then decompress those frames (3 in
// flight); the process is started as the launcher starts `run` (MALLOC_* and --max-semi-space-size=1), timing
// starts after the tar is read into memory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from './measure.mjs';

const [tree, work = mkdtempSync(join(tmpdir(), 'zstd-floor-'))] = process.argv.slice(2);
if (!tree) throw new Error('usage: zstd-floor.mjs TREE_DIR [WORK_DIR]');
mkdirSync(work, { recursive: true });

const ENV = { ...process.env, MALLOC_MMAP_THRESHOLD_: String(64 << 20), MALLOC_TRIM_THRESHOLD_: String(1 << 30) };

const CHILD = `
import * as zlib from 'node:zlib';
import { openSync, readFileSync, writeSync } from 'node:fs';
const [mode, file] = process.argv.slice(1);
const C = zlib.constants, BLOCK = 1 << 20, IN_FLIGHT = 3;
const input = readFileSync(file);
const start = process.cpuUsage(), t0 = performance.now();
const frames = [];
let next = 0, bytes = 0, written = 0;
const out = mode === 'compress' ? openSync(file + '.frames', 'w') : -1;
/** Writes finished frames in order, each after its 4-byte length, and lets them go. */
function writeDone() {
  while (frames[written]) {
    const parts = frames[written];
    const header = Buffer.alloc(4);
    header.writeUInt32LE(parts.reduce((s, p) => s + p.length, 0));
    for (const b of [header, ...parts]) writeSync(out, b);
    frames[written++] = undefined;
  }
}
async function compressSlot() {
  const params = { [C.ZSTD_c_compressionLevel]: 3, [C.ZSTD_c_checksumFlag]: 1, [C.ZSTD_c_windowLog]: 20 };
  const z = zlib.createZstdCompress({ chunkSize: BLOCK + 16384, params });
  let parts = [];
  z.on('data', (part) => parts.push(part));
  while (next * BLOCK < input.length) {
    const i = next++;
    await new Promise((resolve) => { z.write(input.subarray(i * BLOCK, (i + 1) * BLOCK)); z.flush(C.ZSTD_e_end, resolve); });
    frames[i] = parts;
    for (const part of parts) bytes += part.length;
    parts = [];
    writeDone();
  }
  z.destroy();
}
async function decompressSlot() {
  while (next < frames.length) {
    const frame = frames[next++];
    const n = await new Promise((resolve, reject) =>
      zlib.zstdDecompress(frame, { chunkSize: BLOCK + 1 }, (e, b) => (e ? reject(e) : resolve(b.length))));
    bytes += n;
  }
}
if (mode === 'decompress') {
  for (let at = 0; at < input.length;) { const n = input.readUInt32LE(at); frames.push(input.subarray(at + 4, at + 4 + n)); at += 4 + n; }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, mode === 'compress' ? compressSlot : decompressSlot));
const used = process.cpuUsage(start);
console.log(JSON.stringify({ wall: (performance.now() - t0) / 1000, cpu: (used.user + used.system) / 1e6, out: bytes }));
`;

/** sha256 of a file read in 1 MiB pieces into one reused buffer (what a backup pays per byte, without faults). */
const SHA = `
const { createHash } = require('node:crypto'), { openSync, readSync } = require('node:fs');
const fd = openSync(process.argv[1]), buffer = Buffer.allocUnsafe(1 << 20), hash = createHash('sha256');
for (let n; (n = readSync(fd, buffer)) > 0;) hash.update(buffer.subarray(0, n));
`;

function node(mode, file) {
  const out = execFileSync(process.execPath, ['--max-semi-space-size=1', '--input-type=module', '-e', CHILD, mode, file], {
    env: ENV,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out);
}

const tar = join(work, 'tree.tar');
execFileSync('tar', ['-cf', tar, '-C', tree, '.']);
const rows = [];
const mib = (bytes) => (bytes / 1048576).toFixed(1);
rows.push(['tar of the tree', `${mib(statSync(tar).size)} MiB`, '', '']);
const c = node('compress', tar);
rows.push(["Node's zstd -3, 1 MiB frames, 3 in flight", `${mib(c.out)} MiB`, c.wall.toFixed(2), c.cpu.toFixed(2)]);
const d = node('decompress', `${tar}.frames`);
rows.push(["Node's zstd, decompress those frames, 3 in flight", `${mib(d.out)} MiB`, d.wall.toFixed(2), d.cpu.toFixed(2)]);
const single = await measure('zstd', ['-q', '-3', '--single-thread', '-c', tar]);
rows.push(['zstd -3 --single-thread (CLI)', '', single.wall.toFixed(2), single.cpu.toFixed(2)]);
execFileSync('zstd', ['-q', '-3', '-T0', '-f', tar, '-o', `${tar}.zst`]);
const multi = await measure('zstd', ['-q', '-3', '-T0', '-c', tar]);
rows.push(['zstd -3 -T0 (CLI)', `${mib(statSync(`${tar}.zst`).size)} MiB`, multi.wall.toFixed(2), multi.cpu.toFixed(2)]);
const test = await measure('zstd', ['-q', '-t', `${tar}.zst`]);
rows.push(['zstd -t (CLI)', '', test.wall.toFixed(2), test.cpu.toFixed(2)]);
const sha = await measure(process.execPath, ['-e', SHA, `${tar}.zst`]);
rows.push(["sha256 of the .zst in Node, 1 MiB reads (with Node's start-up)", '', sha.wall.toFixed(2), sha.cpu.toFixed(2)]);
const startup = await measure(process.execPath, ['-e', '0']);
rows.push(['node -e 0 (start-up alone)', '', startup.wall.toFixed(2), startup.cpu.toFixed(2)]);

console.log(`\n| step | output | wall s | cpu s |\n|---|---:|---:|---:|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
if (!process.argv[3]) rmSync(work, { recursive: true, force: true });
