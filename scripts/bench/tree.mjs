// Generates the bench's mixed trees (cached): many small text files, a few large logs and CSVs, random blobs.
// The content is deterministic (seeded PRNG), so two runs compress the same bytes.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const SPEC_VERSION = 1;

/** Parses `300m`, `1g`, `64k` (powers of 1024). */
export function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(String(text).trim());
  if (!match) throw new Error(`bench: not a size: ${text} (e.g. 300m, 1g)`);
  const unit = { '': 1, k: 1024, m: MIB, g: GIB }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * unit);
}

/** The mix for a tree of about `total` bytes: the 1 GiB mix (50k small files, 20 logs/CSVs, 10 blobs), scaled. */
export function treeSpec(total) {
  const scale = total / GIB;
  const smallFiles = Math.max(200, Math.round(50_000 * scale));
  const smallBytes = smallFiles * 4096; // 4 KiB on average
  const rest = Math.max(0, total - smallBytes);
  return {
    version: SPEC_VERSION,
    total,
    smallFiles,
    largeTexts: 20,
    largeTextBytes: Math.round((rest * 0.75) / 20),
    blobs: 10,
    blobBytes: Math.round((rest * 0.25) / 10),
  };
}

function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const WORDS = (
  'request handler session user cache miss hit timeout upstream backend database query index commit ' +
  'rollback connection pool worker thread queue event retry error warning info debug latency bytes sent received ' +
  'payload token refresh scheduler cron backup archive snapshot volume disk memory cpu network socket listen accept'
).split(' ');
const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];

function logLine(rand, t) {
  const n = 4 + (rand() % 9);
  let words = '';
  for (let i = 0; i < n; i += 1) words += (i ? ' ' : '') + WORDS[rand() % WORDS.length];
  return `2024-05-${String(1 + (t % 28)).padStart(2, '0')}T${String(t % 24).padStart(2, '0')}:${String(rand() % 60).padStart(2, '0')}:${String(rand() % 60).padStart(2, '0')}.${rand() % 1000}Z ${LEVELS[rand() % LEVELS.length]} [svc-${rand() % 17}] ${words} id=${rand().toString(16)} ms=${rand() % 5000}\n`;
}

function csvLine(rand, i) {
  return `${i},${rand() % 100000},${WORDS[rand() % WORDS.length]},${(rand() % 1000000) / 100},${rand().toString(36)},${rand() % 2 ? 'true' : 'false'}\n`;
}

function codeLine(rand) {
  const indent = '  '.repeat(rand() % 4);
  const a = WORDS[rand() % WORDS.length];
  const b = WORDS[rand() % WORDS.length];
  switch (rand() % 4) {
    case 0:
      return `${indent}const ${a}_${b} = await ${b}.${a}(${rand() % 100});\n`;
    case 1:
      return `${indent}if (${a} > ${rand() % 1000}) return ${b};\n`;
    case 2:
      return `${indent}// ${a} ${b} ${WORDS[rand() % WORDS.length]}\n`;
    default:
      return `${indent}${a}: ${b}\n`;
  }
}

/** Writes `bytes` of text produced line by line, in 4 MiB writes. */
function writeText(path, bytes, nextLine) {
  const fd = openSync(path, 'w');
  let written = 0;
  let i = 0;
  while (written < bytes) {
    let chunk = '';
    while (chunk.length < 4 * MIB && written + chunk.length < bytes) chunk += nextLine(i++);
    const buffer = Buffer.from(chunk.slice(0, bytes - written));
    writeSync(fd, buffer);
    written += buffer.length;
  }
  closeSync(fd);
}

function writeBlob(path, bytes, rand) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.allocUnsafe(4 * MIB);
  for (let written = 0; written < bytes;) {
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE(rand(), i);
    const n = Math.min(chunk.length, bytes - written);
    writeSync(fd, chunk, 0, n);
    written += n;
  }
  closeSync(fd);
}

/** Makes (or reuses) the tree for `spec` under `dir`; returns true when it had to generate it. */
export function ensureTree(dir, spec, log = () => {}) {
  const marker = join(dir, '.complete.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(spec)) return false;
  rmSync(dir, { recursive: true, force: true });
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  log(`generating ${dir} (${spec.smallFiles} small files, ${spec.largeTexts} logs/CSVs, ${spec.blobs} blobs)`);
  const rand = prng(42);
  for (let i = 0; i < spec.smallFiles; i += 1) {
    const sub = join(data, 'src', `pkg-${Math.floor(i / 1000)}`, `mod-${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    const size = 200 + (rand() % 7800); // 200 B .. 8 KiB, 4 KiB on average
    let text = '';
    while (text.length < size) text += codeLine(rand);
    writeFileSync(join(sub, `file-${i}.${['ts', 'md', 'yaml', 'json', 'txt'][i % 5]}`), text.slice(0, size));
  }
  mkdirSync(join(data, 'logs'));
  for (let i = 0; i < spec.largeTexts; i += 1) {
    if (i % 2 === 0) writeText(join(data, 'logs', `app-${i}.log`), spec.largeTextBytes, (n) => logLine(rand, n));
    else writeText(join(data, 'logs', `table-${i}.csv`), spec.largeTextBytes, (n) => csvLine(rand, n));
  }
  mkdirSync(join(data, 'blobs'));
  for (let i = 0; i < spec.blobs; i += 1) writeBlob(join(data, 'blobs', `blob-${i}.bin`), spec.blobBytes, rand);
  writeFileSync(marker, JSON.stringify(spec));
  return true;
}

/** A synthetic pg_dumpall-like SQL dump of about `bytes` (COPY blocks of log-ish rows, the closing line). */
export function ensureDump(path, bytes, log = () => {}) {
  const marker = `${path}.complete`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(bytes)) return false;
  log(`generating ${path}`);
  const rand = prng(7);
  let table = 0;
  writeText(path, bytes - 64, (n) => {
    if (n % 200_000 === 0) return `\\.\n\nCOPY public.events_${table++} (id, at, level, message) FROM stdin;\n`;
    return `${n}\t${logLine(rand, n).replace(/ /, '\t').replace(/ /, '\t')}`;
  });
  const fd = openSync(path, 'a');
  writeSync(fd, '\\.\n\n--\n-- PostgreSQL database cluster dump complete\n--\n\n');
  closeSync(fd);
  writeFileSync(marker, String(bytes));
  return true;
}
