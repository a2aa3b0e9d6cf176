// One verify variant over an archive, in its own process: verify-run.mjs FILE parallel|sequential|sequential-node-tar
//   parallel: what snapshotter ships (checkArchiveStream: sha256, members inflated on the pool, fast tar walk);
//   sequential: the same read, sha256 and walk, with one zlib gunzip stream on one thread;
//   sequential-node-tar: one gunzip stream and node-tar's Parser (what the spine shipped).
import { availableParallelism } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 1));
const { createReadStream } = await import('node:fs');
const { Writable } = await import('node:stream');
const { pipeline } = await import('node:stream/promises');
const { createGunzip } = await import('node:zlib');
const { Parser } = await import('tar');
const { checkArchiveStream } = await import('../../dist/archive/verify.js');
const { HashCounter } = await import('../../dist/archive/measure.js');
const { TarWalker } = await import('../../dist/archive/tar-walk.js');

const [file, kind] = process.argv.slice(2);
let entries;
if (kind === 'parallel') {
  entries = (await checkArchiveStream(file, 'tar.gz')).entries;
} else if (kind === 'sequential') {
  const walker = new TarWalker();
  const sink = new Writable({ highWaterMark: 1 << 20, write: (c, _e, cb) => (walker.write(c), cb()) });
  await pipeline(
    createReadStream(file, { highWaterMark: 1 << 20 }),
    new HashCounter(),
    createGunzip({ chunkSize: 1 << 20 }),
    sink,
  );
  entries = walker.end();
} else {
  entries = 0;
  const parser = new Parser({ strict: true, onReadEntry: (entry) => (entries++, entry.resume()) });
  await pipeline(createReadStream(file), new HashCounter(), createGunzip(), parser);
}
process.stdout.write(`${JSON.stringify({ entries })}\n`);
