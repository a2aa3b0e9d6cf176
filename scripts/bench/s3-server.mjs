// The upload bench's S3 server: s3rver in a process of its own (forked by scripts/bench-upload.mjs), so its event
// loop and CPU are not the bench's. Sends {port} once listening. On the message 'stats' it answers with what it
// served since the last 'stats': per request type the count, bytes sent to it (Content-Length), summed wall time, and its share of the
// process's CPU (each CPU interval between two request starts/ends is split evenly among the requests in flight, so
// the CompleteMultipartUpload reassembly, which runs alone, is attributed exactly).
import { join } from 'node:path';
import S3rver from 's3rver';

const dir = process.argv[2];
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: join(dir, 's3'),
  configureBuckets: [{ name: 'bench' }],
});

/** The S3 operation of a request, from its method and query (path-style bucket/key). */
function kind(req) {
  const url = new URL(req.url, 'http://x');
  const q = url.searchParams;
  const key = url.pathname.split('/').length > 2 && !url.pathname.endsWith('/');
  if (req.method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
  if (req.method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
  if (req.method === 'PUT' && q.has('partNumber')) return 'UploadPart';
  if (req.method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
  if (req.method === 'GET' && q.has('uploads')) return 'ListMultipartUploads';
  if (req.method === 'GET' && !key) return 'ListObjects';
  return `${req.method} object`;
}

let stats = new Map();
const active = new Set();
let lastCpu = process.cpuUsage();
/** Splits the CPU used since the last event among the requests in flight (or 'idle'). */
function account() {
  const now = process.cpuUsage();
  const used = (now.user - lastCpu.user + now.system - lastCpu.system) / 1e6;
  lastCpu = now;
  if (active.size === 0) return (entry('idle').cpu += used);
  for (const r of active) entry(r.kind).cpu += used / active.size;
}
function entry(name) {
  if (!stats.has(name)) stats.set(name, { count: 0, bytes: 0, wall: 0, cpu: 0 });
  return stats.get(name);
}

const address = await server.run();
server.httpServer.prependListener('request', (req, res) => {
  account();
  const r = { kind: kind(req), started: process.hrtime.bigint() };
  active.add(r);
  entry(r.kind).count += 1;
  entry(r.kind).bytes += Number(req.headers['content-length'] ?? 0);
  res.on('close', () => {
    account();
    active.delete(r);
    entry(r.kind).wall += Number(process.hrtime.bigint() - r.started) / 1e9;
  });
});
process.on('message', (message) => {
  if (message !== 'stats') return;
  account();
  process.send({ stats: Object.fromEntries(stats) });
  stats = new Map();
});
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
process.send({ port: address.port });
