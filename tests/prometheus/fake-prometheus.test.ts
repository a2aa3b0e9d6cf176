// Prometheus behind a proxy, played by a local HTTP server that makes snapshot folders as Prometheus does:
// credentials and headers reach it, secrets stay out of output, and odd answers never touch the disk. The runs go
// through main() in this process (tests/helpers/in-process.ts), except the one against a snapshot call that never
// answers: that the CLI process still ends is part of what it proves, so it spawns the built CLI.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireCondition } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

describe('target prometheus behind a proxy (local fake)', () => {
  let server: Server;
  let url: string;
  let dataDir = '';
  let answerName = '';
  let mode: 'blocks' | 'big' | 'empty' | 'hang' = 'blocks';
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      if (req.headers.authorization === undefined) {
        res.writeHead(401).end('unauthorized');
        return;
      }
      if (req.url?.startsWith('/prefix/api/v1/admin/tsdb/snapshot') && req.method === 'POST') {
        if (req.url.includes('skip_head=snapshotter-dry-run')) {
          const body = {
            status: 'error',
            errorType: 'bad_data',
            error: 'invalid parameter "skip_head": unable to parse boolean',
          };
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          return;
        }
        if (mode === 'hang') return;
        if (answerName.startsWith('20')) mkdirSync(join(dataDir, 'snapshots', answerName), { recursive: true });
        if (answerName.startsWith('20') && (mode === 'blocks' || mode === 'big')) {
          mkdirSync(join(dataDir, 'snapshots', answerName, '01BLOCK'), { recursive: true });
          writeFileSync(join(dataDir, 'snapshots', answerName, '01BLOCK', 'meta.json'), '{}');
          if (mode === 'big')
            writeFileSync(join(dataDir, 'snapshots', answerName, '01BLOCK', 'chunks'), randomBytes(1024 * 1024));
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'success', data: { name: answerName } }));
        return;
      }
      res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    mode = 'blocks';
  });

  function setup(auth: string): string {
    const dir = tmpDir();
    dataDir = join(dir, 'tsdb');
    mkdirSync(join(dataDir, 'wal'), { recursive: true });
    const file = join(dir, 'snapshotter.yaml');
    writeFileSync(
      file,
      `backup_dir: ${dir}/backups\ntargets:\n  - name: metrics\n    type: prometheus\n    url: ${url}/\n    data_dir: ./tsdb\n${auth}`,
    );
    return file;
  }

  it('sends basic auth and headers, keeps them out of output, and removes the snapshot', async () => {
    answerName = '20260101T000000Z-00000000000000aa';
    seen.length = 0;
    const config = setup(
      '    basic_auth: { username: ops, password: pw-very-secret }\n    headers: { X-Scope-OrgID: tenant-secret-1 }\n',
    );
    const result = await mainInProcess(['run', '-c', config, '--json', '--log-level', 'debug']);
    expect(result.exitCode, result.stderr).toBe(0);
    const post = seen.find((s) => s.method === 'POST')!;
    expect(post.url).toBe('/prefix/api/v1/admin/tsdb/snapshot');
    expect(post.headers.authorization).toBe(`Basic ${Buffer.from('ops:pw-very-secret').toString('base64')}`);
    expect(post.headers['x-scope-orgid']).toBe('tenant-secret-1');
    expect(readdirSync(join(dataDir, 'snapshots'))).toEqual([]);
    const output = result.stdout + result.stderr;
    expect(output).not.toContain('pw-very-secret');
    expect(output).not.toContain('tenant-secret-1');

    const check = await mainInProcess(['config', 'check', '-c', config]);
    expect(check.stdout).not.toContain('pw-very-secret');
    expect(check.stdout).not.toContain('tenant-secret-1');
  });

  it('sends a bearer token and skip_head', async () => {
    answerName = '20260101T000001Z-00000000000000bb';
    seen.length = 0;
    const config = setup('    bearer_token: tok-very-secret\n    skip_head: true\n');
    const result = await mainInProcess(['run', '-c', config]);
    expect(result.exitCode, result.stderr).toBe(0);
    const post = seen.find((s) => s.method === 'POST')!;
    expect(post.url).toBe('/prefix/api/v1/admin/tsdb/snapshot?skip_head=true');
    expect(post.headers.authorization).toBe('Bearer tok-very-secret');
  });

  it('refuses a snapshot name that is not one Prometheus makes, and deletes nothing', async () => {
    answerName = '../../wal';
    const config = setup('    bearer_token: tok-very-secret\n');
    const result = await mainInProcess(['run', '-c', config, '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('unexpected snapshot name');
    expect(existsSync(join(dataDir, 'wal'))).toBe(true);
  });

  it('says the credentials were refused on HTTP 401', async () => {
    const config = setup('');
    const result = await mainInProcess(['run', '-c', config, '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('refused the credentials');
  });

  it('warns when the snapshot holds no block', async () => {
    mode = 'empty';
    answerName = '20260101T000002Z-00000000000000cc';
    const config = setup('    bearer_token: tok-very-secret\n    skip_head: true\n');
    const result = await mainInProcess(['run', '-c', config, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { targets: { warnings: { code: string }[] }[] };
    expect(report.targets[0]!.warnings.map((w) => w.code)).toEqual(['empty_snapshot']);
    expect(readdirSync(join(dataDir, 'snapshots'))).toEqual([]);
  });

  // The backup folder is a 256 KiB tmpfs: the 1 MiB block cannot be archived once the snapshot exists.
  const mountable = requireCondition(
    'archive failure after the snapshot',
    process.getuid?.() === 0,
    'needs root to mount a tmpfs',
  );
  it.runIf(mountable)('removes the snapshot when archiving fails after Prometheus made it', async () => {
    mode = 'big';
    answerName = '20260101T000004Z-00000000000000ee';
    const config = setup('    bearer_token: tok-very-secret\n');
    const backups = join(dataDir, '..', 'backups');
    mkdirSync(backups);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', backups]);
    try {
      const result = await mainInProcess(['run', '-c', config, '--json']);
      expect(result.exitCode, result.stderr).toBe(1);
      const report = JSON.parse(result.stdout) as { targets: { status: string; error: string; artifact: null }[] };
      expect(report.targets[0]).toMatchObject({ status: 'failure', artifact: null });
      expect(report.targets[0]!.error).toMatch(/ENOSPC|no space/i);
      expect(report.targets[0]!.error).not.toContain('cannot remove the snapshot');
      expect(readdirSync(join(dataDir, 'snapshots'))).toEqual([]);
      expect(readdirSync(join(backups, 'metrics')).filter((n) => !n.startsWith('.snapshotter-state'))).toEqual([]);
    } finally {
      execFileSync('umount', ['-l', backups]);
    }
  });

  it('says a snapshot call that timed out may still leave a snapshot', async () => {
    mode = 'hang';
    const config = setup('    bearer_token: tok-very-secret\n    request_timeout: 1s\n');
    const result = await runCli(['run', '-c', config, '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('did not answer the snapshot call in time (request_timeout)');
  });

  it('dry run behind a proxy that hides the flags: probes the admin API without making a snapshot', async () => {
    seen.length = 0;
    const config = setup('    bearer_token: tok-very-secret\n');
    const result = await mainInProcess(['run', '-c', config, '--dry-run']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`Prometheus at ${url} answers; admin API enabled`);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /prefix/api/v1/status/flags',
      'POST /prefix/api/v1/admin/tsdb/snapshot?skip_head=snapshotter-dry-run',
    ]);
    expect(existsSync(join(dataDir, 'snapshots'))).toBe(false);
    expect(result.stdout).not.toContain('tok-very-secret');
  });
});
