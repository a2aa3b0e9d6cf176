// The zstd rows of `npm run bench` (on a Node.js with zstd in zlib, 22.15+): snapshotter with `compression: zstd`
// against `tar -czf` and `tar -I 'zstd -3 -T0'`, and its verify against `zstd -t` + `tar -tf`.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Adds the zstd rows for one tree; `ctx` carries the bench's helpers and the tree's paths. */
export async function benchZstd(ctx) {
  const { label, data, relData, out, benchDir, bin, clean, best, row, fileMiB, tarWall, log } = ctx;
  const zstdOut = join(out, 'zstd.tar.zst');
  const cli = await best(clean, 'tar', ['-I', 'zstd -3 -T0', '-cf', zstdOut, '-C', '/', relData]);
  row(label, 'filesystem', "tar -I 'zstd -3 -T0'", cli, { size: fileMiB(zstdOut), base: tarWall });

  const config = join(benchDir, `bench-zstd-${label}.yaml`);
  const backups = join(out, 'backups-zstd');
  writeFileSync(
    config,
    `backup_dir: ${JSON.stringify(backups)}\ndefaults: { compression: zstd, compression_level: 3 }\n` +
      `targets:\n  - name: bench\n    type: filesystem\n    paths: [${JSON.stringify(data)}]\n`,
  );
  const ours = await best(clean, process.execPath, [bin, 'run', '-c', config, '--log-level', 'warn']);
  const name = readdirSync(join(backups, 'bench')).find((n) => n.endsWith('.tar.zst'));
  if (!name) throw new Error(`no *.tar.zst in ${join(backups, 'bench')}`);
  const archive = join(backups, 'bench', name);
  row(label, 'filesystem', 'snapshotter run zstd -3 (verify on)', ours, { size: fileMiB(archive), base: tarWall });

  const shell = await best(undefined, 'sh', ['-c', 'zstd -q -t "$1" && tar --zstd -tf "$1" > /dev/null', 'sh', archive]);
  row(label, 'verify', 'zstd -t + tar --zstd -tf', shell, { base: shell.wall });
  const verify = await best(undefined, process.execPath, [bin, 'verify', archive]);
  row(label, 'verify', 'snapshotter verify (zstd)', verify, { base: shell.wall });
  log(`${label}: zstd rows done`);
}
