// Target redis against a real redis-server with requirepass: local redis-cli and docker exec (the stand-in), the
// password only as REDISCLI_AUTH, the RDB check in verify, and dump.rdb restored into --to DIR, loaded by a second
// fresh server and compared by DEBUG DIGEST.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { tmpDir } from '../helpers/tmp.js';
import { dockerCalls, runEnv } from '../postgres/harness.js';

const PASSWORD = 'Rd-s3cret-77Lm';
const BINARIES = { 'redis-server': findBinary('redis-server'), 'redis-cli': findBinary('redis-cli') };
const run = requireBinaries('redis target', BINARIES);

interface RedisServer {
  port: number;
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

async function startRedis(dir: string, extra: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const server: ResultPromise = execa(
    BINARIES['redis-server']!,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--enable-debug-command', 'yes', ...extra],
    { reject: false, env: { REDISCLI_AUTH: undefined } },
  );
  const cli = async (...args: string[]): Promise<string> =>
    (await execa(BINARIES['redis-cli']!, ['-p', String(port), ...args], { env: { REDISCLI_AUTH: PASSWORD } })).stdout;
  let exited = false;
  void server.then(() => (exited = true));
  // Ready when it answers PING (an observed event, not a delay).
  while ((await cli('PING').catch(() => '')) !== 'PONG') {
    if (exited) throw new Error(`redis-server on port ${port} exited while starting`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    cli,
    async stop() {
      server.kill('SIGTERM');
      await server;
    },
  };
}

describe.runIf(run)('target redis (real redis-server)', () => {
  let source: RedisServer;
  const sourceDir = mkdtempSync(join(tmpdir(), 'snapshotter-redis-'));

  beforeAll(async () => {
    source = await startRedis(sourceDir, ['--requirepass', PASSWORD]);
    await source.cli('SET', 'grüße:köln', 'Grüße 😀 日本語');
    const binary = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x1a, 0x80]);
    await execa(BINARIES['redis-cli']!, ['-p', String(source.port), '-x', 'SET', 'bin'], {
      input: binary,
      env: { REDISCLI_AUTH: PASSWORD },
    });
    await source.cli('HSET', 'user:1', 'name', 'Zoë', 'city', 'Kraków');
    await source.cli('RPUSH', 'queue', 'a', 'b', 'c');
    await source.cli('DEBUG', 'POPULATE', '2000', 'key', '64');
  }, 60_000);
  afterAll(async () => {
    await source?.stop();
    rmSync(sourceDir, { recursive: true, force: true });
  });

  it('dumps locally and through docker exec, verifies, and restores a dump.rdb a fresh server loads identically', async () => {
    const dir = tmpDir();
    const file = join(dir, 'snapshotter.yaml');
    const target = (name: string, container: string) =>
      [`  - name: ${name}`, '    type: redis', container, '    host: 127.0.0.1', `    port: ${source.port}`]
        .concat(['    password: ${REDIS_TEST_PASSWORD}'])
        .filter(Boolean)
        .join('\n');
    writeFileSync(
      file,
      `backup_dir: ${join(dir, 'backups')}\ntargets:\n${target('cache', '')}\n${target('cache-docker', '    container: redis')}\n`,
      { mode: 0o600 },
    );
    const env = { ...runEnv(dir, { redis: { state: 'running' } }), REDIS_TEST_PASSWORD: PASSWORD, REDISCLI_AUTH: undefined };
    const backup = await runCli(['run', '-c', file, '--json'], { env });
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(backup.stdout + backup.stderr).not.toContain(PASSWORD);
    const report = JSON.parse(backup.stdout) as { targets: { name: string; artifact: string }[] };
    const archives = report.targets.map((t) => join(dir, 'backups', t.name, t.artifact));
    for (const archive of archives) {
      expect(archive).toMatch(/-\d{8}T\d{6}Z\.rdb\.gz$/);
      const folder = join(archive, '..');
      await execa('sha256sum', ['-c', `${archive.split('/').at(-1)}.sha256`], { cwd: folder });
      for (const name of readdirSync(folder)) expect(readFileSync(join(folder, name)).includes(PASSWORD), name).toBe(false);
    }
    const call = dockerCalls(dir)[0]!;
    expect(call.argv).toEqual([
      'exec',
      '-e',
      'REDISCLI_AUTH',
      'redis',
      'redis-cli',
      '-h',
      '127.0.0.1',
      '-p',
      String(source.port),
      '--rdb',
      '-',
    ]);

    // A cut RDB (header, no trailer) fails verify; the real ones pass.
    const cut = join(dir, 'backups', 'cache', 'cache-20200101T000000Z.rdb.gz');
    writeFileSync(cut, gzipSync(Buffer.from('REDIS0010\u00fa\u0009redis-ver')));
    const verify = await runCli(['verify', ...archives, cut], { env });
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout.match(/^OK /gm)).toHaveLength(2);
    expect(verify.stdout).toMatch(/RDB EOF opcode/);

    const to = join(dir, 'restored');
    const restore = await runCli(['restore', archives[1]!, '--to', to], { env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(readdirSync(to)).toEqual(['dump.rdb']);
    const loaded = await startRedis(to, ['--dbfilename', 'dump.rdb']);
    try {
      expect(await loaded.cli('DEBUG', 'DIGEST')).toBe(await source.cli('DEBUG', 'DIGEST'));
      expect(await loaded.cli('GET', 'grüße:köln')).toBe('Grüße 😀 日本語');
    } finally {
      await loaded.stop();
    }
  }, 300_000);
});
