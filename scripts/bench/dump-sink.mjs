// The dump path as a target drives it: a child process's stdout → ArchiveWriter (gzip on every core, sha256,
// temp file, fsync, verify unless --no-verify, sidecar, manifest). Usage: dump-sink.mjs OUT_DIR [--no-verify] -- CMD ARGS...
import { availableParallelism, hostname } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 1)); // as bin/snapshotter.js does
const { spawn } = await import('node:child_process');
const { mkdirSync } = await import('node:fs');
const { ArchiveWriter } = await import('../../dist/archive/sink.js');

const args = process.argv.slice(2);
const split = args.indexOf('--');
const [outDir, ...flags] = args.slice(0, split);
const [cmd, ...cmdArgs] = args.slice(split + 1);
mkdirSync(outDir, { recursive: true, mode: 0o700 });
const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
const exited = new Promise((resolve) => child.on('close', resolve));
const writer = new ArchiveWriter({
  dir: outDir,
  target: 'dump',
  type: 'postgres',
  hostname: hostname(),
  toolName: 'snapshotter-bench',
  toolVersion: '0',
  compressionLevel: 6,
  verifyAfterWrite: !flags.includes('--no-verify'),
  now: () => new Date(),
  redact: (text) => text,
  signal: new AbortController().signal,
});
const info = await writer.write({
  ext: 'sql.gz',
  source: child.stdout,
  describe: { command: cmd },
  finish: async () => {
    const code = await exited;
    if (code !== 0) throw new Error(`${cmd} exited ${code}`);
    return {};
  },
});
process.stdout.write(`${JSON.stringify(info)}\n`);
