// npm run bench: snapshotter against the tools an operator would otherwise script, on generated trees.
//   BENCH_SIZES=300m,1g (default)   tree sizes; --quick (or BENCH_QUICK=1) = one 64m tree, for a smoke run
//   BENCH_DIR=.bench (default)      where trees (cached between runs), dumps and outputs go
//   BENCH_RUNS=1                    runs of each command; the table shows the fastest (less noise on a busy machine)
//   BENCH_ONLY=encryption           only the filesystem rows: tar, snapshotter run unencrypted and encrypted (age)
//   BENCH_ONLY=startup              only the start-up rows (--version, config check of the full example; median of 10)
//   BENCH_ONLY=zstd                 only tar -czf and the zstd rows (run on Node.js 22.15+; see scripts/bench/zstd.mjs)
//   --variants (or BENCH_VARIANTS=1) also measures the alternatives (gzip schemes, block sizes, verify schemes)
//                                    on the first tree
// Measures wall time, CPU (user+sys, whole process tree) and peak RSS; see scripts/bench/measure.mjs for how.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './bench/measure.mjs';
import { benchStartup } from './bench/startup.mjs';
import { ensureDump, ensureTree, parseSize, treeSpec } from './bench/tree.mjs';
import { benchZstd } from './bench/zstd.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'snapshotter.js');
const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const sizesArg = process.argv.find((a) => a.startsWith('--sizes='))?.slice(8) ?? process.env.BENCH_SIZES;
const sizes = (sizesArg ?? (quick ? '64m' : '300m,1g'))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const benchDir = resolve(process.env.BENCH_DIR ?? join(ROOT, '.bench'));
const log = (line) => process.stderr.write(`bench: ${line}\n`);
const only = process.env.BENCH_ONLY;
const hasZstd = typeof (await import('node:zlib')).zstdCompress === 'function';

function which(name) {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The fastest of `runs` runs; `prepare` cleans up before each (outputs are never reused). */
async function best(prepare, cmd, args, options) {
  let result;
  for (let i = 0; i < runs; i += 1) {
    prepare?.();
    const r = await measure(cmd, args, options);
    if (!result || r.wall < result.wall) result = r;
  }
  return result;
}

function fileMiB(path) {
  return statSync(path).size / 1024 / 1024;
}

function onlyArchive(dir, ext) {
  const name = readdirSync(dir).find((n) => n.endsWith(ext));
  if (!name) throw new Error(`no *${ext} in ${dir}`);
  return join(dir, name);
}

const rows = [];
function row(tree, task, tool, r, extra = {}) {
  rows.push({ tree, task, tool, wall: r.wall, cpu: r.cpu, rss: r.rssMiB, ...extra });
  log(`${tree} ${task} ${tool}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s cpu, ${r.rssMiB.toFixed(0)} MiB`);
}

async function benchTree(label, bytes) {
  const treeDir = join(benchDir, `tree-${label}`);
  ensureTree(treeDir, treeSpec(bytes), log);
  const data = join(treeDir, 'data');
  const relData = data.replace(/^\/+/, '');
  const out = join(benchDir, 'out');
  const clean = () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
  };
  clean();
  execFileSync('tar', ['-cf', '/dev/null', '-C', '/', relData]); // warm the page cache for everyone alike
  execFileSync('cat', [...readdirSync(join(data, 'logs')).map((n) => join(data, 'logs', n))], { stdio: 'ignore', maxBuffer: 1 });
  const tarGz = join(out, 'tar.tar.gz');
  const tar = await best(clean, 'tar', ['-czf', tarGz, '-C', '/', relData]);
  const tarSize = fileMiB(tarGz);
  row(label, 'filesystem', 'tar -czf', tar, { size: tarSize, base: tar.wall });
  const zstdCtx = { label, data, relData, out, benchDir, bin: BIN, clean, best, row, fileMiB, tarWall: tar.wall, log };
  if (only === 'zstd') {
    if (!hasZstd) throw new Error(`BENCH_ONLY=zstd needs a Node.js with zstd (22.15+); this is ${process.version}`);
    await benchZstd(zstdCtx);
    return clean();
  }
  if (which('pigz') && !only) {
    const pigzOut = join(out, 'pigz.tar.gz');
    const pigz = await best(clean, 'tar', ['-I', 'pigz', '-cf', pigzOut, '-C', '/', relData]);
    row(label, 'filesystem', 'tar -I pigz', pigz, { size: fileMiB(pigzOut), base: tar.wall });
  }
  const config = join(benchDir, `bench-${label}.yaml`);
  const backups = join(out, 'backups');
  writeFileSync(
    config,
    `backup_dir: ${JSON.stringify(backups)}\ntargets:\n  - name: bench\n    type: filesystem\n    paths: [${JSON.stringify(data)}]\n`,
  );
  const ours = await best(clean, process.execPath, [BIN, 'run', '-c', config, '--log-level', 'warn']);
  const archive = onlyArchive(join(backups, 'bench'), '.tar.gz');
  row(label, 'filesystem', 'snapshotter run (verify on)', ours, { size: fileMiB(archive), base: tar.wall });
  await benchEncrypted(label, data, ours, clean);
  if (only === 'encryption') return clean();

  const shellVerify = await best(undefined, 'sh', [
    '-c',
    'sha256sum "$1" > /dev/null && tar -tzf "$1" > /dev/null',
    'sh',
    archive,
  ]);
  row(label, 'verify', 'sha256sum + tar -tzf', shellVerify, { base: shellVerify.wall });
  const verify = await best(undefined, process.execPath, [BIN, 'verify', archive]);
  row(label, 'verify', 'snapshotter verify', verify, { base: shellVerify.wall });

  const dump = join(benchDir, `dump-${label}.sql`);
  ensureDump(dump, bytes, log);
  const gz = join(out, 'dump.sql.gz');
  const shell = await best(clean, 'sh', ['-c', 'cat "$1" | gzip -6 > "$2"', 'sh', dump, gz]);
  row(label, 'dump', 'cat dump | gzip -6 > f', shell, { size: fileMiB(gz), base: shell.wall });
  const sinkDir = join(out, 'dump');
  const driver = join(ROOT, 'scripts', 'bench', 'dump-sink.mjs');
  const sinkNoVerify = await best(clean, process.execPath, [driver, sinkDir, '--no-verify', '--', 'cat', dump]);
  row(label, 'dump', 'cat dump → sink (no verify)', sinkNoVerify, {
    size: fileMiB(onlyArchive(sinkDir, '.sql.gz')),
    base: shell.wall,
  });
  const sink = await best(clean, process.execPath, [driver, sinkDir, '--', 'cat', dump]);
  row(label, 'dump', 'cat dump → sink (verify on)', sink, { size: fileMiB(onlyArchive(sinkDir, '.sql.gz')), base: shell.wall });
  if (hasZstd && which('zstd')) await benchZstd(zstdCtx);
  else
    log(`zstd rows skipped: ${hasZstd ? 'no zstd binary' : `Node.js ${process.version} has no zstd (run the bench on 22.15+)`}`);
  clean();
}

/** The same backup encrypted with age (an age-keygen key): the wall ratio is against the unencrypted run. */
async function benchEncrypted(label, data, plain, clean) {
  if (!which('age-keygen')) return log('age-keygen missing: no encrypted row');
  const key = join(benchDir, 'bench-age-key.txt');
  rmSync(key, { force: true });
  execFileSync('age-keygen', ['-o', key], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', key], { encoding: 'utf8' }).trim();
  const config = join(benchDir, `bench-${label}-age.yaml`);
  const backups = join(benchDir, 'out', 'backups');
  writeFileSync(
    config,
    `backup_dir: ${JSON.stringify(backups)}\ndefaults: { encryption: { age_recipients: [${recipient}] } }\n` +
      `targets:\n  - name: bench\n    type: filesystem\n    paths: [${JSON.stringify(data)}]\n`,
  );
  const r = await best(clean, process.execPath, [BIN, 'run', '-c', config, '--log-level', 'warn']);
  const archive = onlyArchive(join(backups, 'bench'), '.tar.gz.age');
  row(label, 'filesystem', 'snapshotter run, encrypted (age)', r, { size: fileMiB(archive), base: plain.wall });
}

/** The ideas measured side by side on one tree (in-process runs of dist/ code; see scripts/bench/*-run.mjs). */
async function benchVariants(label) {
  const data = join(benchDir, `tree-${label}`, 'data');
  const out = join(benchDir, 'out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const gz = join(out, 'variant.tar.gz');
  const runner = join(ROOT, 'scripts', 'bench', 'variant-run.mjs');
  const variants = [
    ['multi', 'pack → multi-member gzip, 1 MiB blocks (shipped)'],
    ['single-dict', 'pack → single member, 32 KiB dictionary (pigz)'],
    ['stream', 'pack → one zlib gzip stream (1 thread)'],
    ['multi:256', 'pack → multi-member, 256 KiB blocks'],
    ['multi:4096', 'pack → multi-member, 4 MiB blocks'],
    ['multi:1024:2', 'pack → multi-member, 2 in flight'],
  ];
  for (const [variant, title] of variants) {
    const r = await best(undefined, process.execPath, [runner, data, gz, variant]);
    row(label, 'gzip idea', title, r, { size: fileMiB(gz) });
  }
  rmSync(gz);
  await measure(process.execPath, [runner, data, gz, 'multi']);
  const verifyRunner = join(ROOT, 'scripts', 'bench', 'verify-run.mjs');
  for (const [variant, title] of [
    ['parallel', 'verify: parallel members + tar walk (shipped)'],
    ['sequential', 'verify: one gunzip stream + tar walk'],
    ['sequential-node-tar', 'verify: one gunzip stream + node-tar Parser'],
  ]) {
    row(label, 'verify idea', title, await best(undefined, process.execPath, [verifyRunner, gz, variant]));
  }
  rmSync(out, { recursive: true, force: true });
}

function printTable() {
  const header = ['tree', 'task', 'tool', 'wall s', 'cpu s', 'peak RSS MiB', 'output MiB', 'wall ratio'];
  const lines = rows.map((r) => [
    r.tree,
    r.task,
    r.tool,
    r.wall.toFixed(2),
    r.cpu.toFixed(2),
    r.rss.toFixed(0),
    r.size === undefined ? '' : r.size.toFixed(1),
    r.base ? `${(r.wall / r.base).toFixed(2)}x` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w, i) => (i < 3 ? '-' : '') + '-'.repeat(w) + (i < 3 ? '-' : ':')).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
  console.log(
    '\nwall ratio: filesystem rows against tar -czf (the encrypted run against the unencrypted one), verify rows against sha256sum + tar -tzf (zstd: zstd -t + tar --zstd -tf), dump rows against the shell pipeline.' +
      '\nstart-up rows: the median of 10 runs, not the fastest.',
  );
}

mkdirSync(benchDir, { recursive: true });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
log(`node ${process.version}, ${availableParallelism()} cores, load ${load()}, runs ${runs}, dir ${benchDir}`);
if (only !== 'encryption') await benchStartup(row, { root: ROOT, bin: BIN, dir: join(benchDir, 'startup') });
if (only !== 'startup') for (const label of sizes) await benchTree(label, parseSize(label));
const variants = process.argv.includes('--variants') || process.env.BENCH_VARIANTS === '1';
if (variants && only !== 'startup') await benchVariants(sizes[0]);
console.log(`\nnode ${process.version}, ${availableParallelism()} cores; load average at the end: ${load()}\n`);
printTable();
