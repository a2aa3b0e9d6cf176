// Encrypted backups end to end through the CLI, with Debian's age as the independent reader: a filesystem and a
// postgres target (docker stand-in, a scripted pg_dumpall/psql) backed up encrypted, read by `age -d`, verified
// with and without the identity, tampered with under forged sidecar and manifest, restored — and the identity
// never shows up in any output, log, manifest, notification, or child's argv or environment.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { FAKE_BIN } from '../postgres/harness.js';

const enabled = requireBinaries('encrypted backup tests', {
  age: findBinary('age'),
  'age-keygen': findBinary('age-keygen'),
  tar: findBinary('tar'),
  sha256sum: findBinary('sha256sum'),
});
const MARKER = 'PLAINTEXT-MARKER-7c1e';
const DUMP = `--\n-- PostgreSQL database cluster dump\n--\n\nCREATE TABLE t (v text);\nINSERT INTO t VALUES ('${MARKER}');\n\n--\n-- PostgreSQL database cluster dump complete\n--\n\n`;

function script(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

describe.skipIf(!enabled)('encrypted backups (age)', () => {
  let dir: string;
  let secret: string;
  let server: Server;
  const bodies: string[] = [];
  const outputs: CliResult[] = [];
  const run = async (args: string[], extra: Record<string, string> = {}): Promise<CliResult> => {
    const result = await runCli(args, { env: { ...env(), ...extra } });
    outputs.push(result);
    return result;
  };
  const env = (): Record<string, string> => ({
    PATH: `${dir}/bin:${process.env.PATH ?? ''}`,
    DOCKER_FAKE_CONTAINERS: JSON.stringify({ pg: { env: { PSQL_OUT: join(dir, 'psql-in.sql') } } }),
    DOCKER_FAKE_LOG: join(dir, 'docker-argv.jsonl'),
  });
  const config = (): string => join(dir, 'snapshotter.yaml');
  const archive = (target: string): string => {
    const folder = join(dir, 'backups', target);
    return join(
      folder,
      readdirSync(folder).find((n) => n.endsWith('.age'))!,
    );
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snapshotter-enc-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.txt'), `${MARKER}\n`.repeat(1000));
    writeFileSync(join(dir, 'src', 'sub', 'b.bin'), Buffer.alloc(70_000, 7));
    writeFileSync(join(dir, 'dump.sql'), DUMP);
    script(join(dir, 'bin', 'pg_dumpall'), `#!/bin/sh\ncat "${dir}/dump.sql"\n`);
    script(join(dir, 'bin', 'psql'), '#!/bin/sh\ncat > "$PSQL_OUT"\n');
    // The docker command records its own argv and environment, then hands over to the stand-in.
    script(join(dir, 'bin', 'docker-spy'), `#!/bin/sh\nenv > "${dir}/docker-env-$$"\nexec "${FAKE_BIN}/docker" "$@"\n`);
    execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' });
    execFileSync('age-keygen', ['-o', join(dir, 'other.txt')], { stdio: 'ignore' });
    secret = /AGE-SECRET-KEY-1\S+/.exec(readFileSync(join(dir, 'key.txt'), 'utf8'))![0];
    const recipient = execFileSync('age-keygen', ['-y', join(dir, 'key.txt')], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'recipients.txt'), `# backup key\n${recipient}\n`);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => (bodies.push(body), res.end('ok')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    writeFileSync(
      config(),
      [
        `backup_dir: ${dir}/backups`,
        `log: { file: ${dir}/snapshotter.log }`,
        'defaults:',
        '  encryption: { age_recipients_file: recipients.txt }',
        'targets:',
        `  - { name: files, type: filesystem, paths: [${dir}/src] }`,
        `  - { name: db, type: postgres, container: pg, docker_command: ${dir}/bin/docker-spy }`,
        'notifications:',
        `  webhooks: [{ url: "http://127.0.0.1:${port}/hook" }]`,
        '',
      ].join('\n'),
    );
    const result = await run(['run', '-c', config()]);
    expect(result.exitCode, result.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes .age archives that sha256sum checks and age -d turns back into the source's content", () => {
    for (const target of ['files', 'db']) {
      const names = readdirSync(join(dir, 'backups', target)).sort();
      expect(names).toHaveLength(3);
      expect(names[0]).toMatch(target === 'files' ? /^files-\d{8}T\d{6}Z\.tar\.gz\.age$/ : /^db-\d{8}T\d{6}Z\.sql\.gz\.age$/);
      execFileSync('sha256sum', ['-c', `${names[0]}.sha256`], { cwd: join(dir, 'backups', target), stdio: 'ignore' });
      const manifest = JSON.parse(readFileSync(`${archive(target)}.json`, 'utf8')) as { encryption: unknown };
      expect(manifest.encryption).toEqual({ format: 'age', recipients: [expect.stringMatching(/^age1/)] });
      // No plaintext (nor plain gzip) in anything the backup left on disk.
      for (const name of names) expect(readFileSync(join(dir, 'backups', target, name)).includes(MARKER)).toBe(false);
      expect(readFileSync(archive(target)).subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    }
    const out = join(dir, 'restored-by-tar');
    mkdirSync(out);
    execFileSync('sh', ['-c', `age -d -i "${dir}/key.txt" "${archive('files')}" | tar -xz -C "${out}"`]);
    const base = join(out, dir.slice(1), 'src');
    expect(readFileSync(join(base, 'a.txt'), 'utf8')).toBe(readFileSync(join(dir, 'src', 'a.txt'), 'utf8'));
    expect(readFileSync(join(base, 'sub', 'b.bin')).equals(Buffer.alloc(70_000, 7))).toBe(true);
    const dump = execFileSync('sh', ['-c', `age -d -i "${dir}/key.txt" "${archive('db')}" | gunzip`], { encoding: 'utf8' });
    expect(dump).toBe(DUMP);
  });

  it('verifies without the identity (content not checked) and with it (decrypted and checked)', async () => {
    const plain = await run(['verify', '--all', '-c', config()]);
    expect(plain.exitCode, plain.stdout).toBe(0);
    expect(plain.stdout.match(/content NOT checked/g)).toHaveLength(2);
    const deep = await run(['verify', '--all', '-c', config()], { SNAPSHOTTER_AGE_IDENTITY_FILE: join(dir, 'key.txt') });
    expect(deep.exitCode, deep.stdout).toBe(0);
    expect(deep.stdout.match(/decrypted and checked/g)).toHaveLength(2);
    expect(deep.stdout).toMatch(/files-.*\.tar\.gz\.age \(.*, 4 entries/);
  });

  it('catches ciphertext damage under a forged sidecar and manifest, and restores nothing from it', async () => {
    const forged = join(dir, 'forged');
    mkdirSync(forged);
    const name = archive('files').split('/').pop()!;
    const bytes = readFileSync(archive('files'));
    bytes[bytes.length - 40]! ^= 0x20;
    writeFileSync(join(forged, name), bytes);
    const sha = execFileSync('sha256sum', [join(forged, name)], { encoding: 'utf8' }).slice(0, 64);
    writeFileSync(join(forged, `${name}.sha256`), `${sha}  ${name}\n`);
    const manifest = JSON.parse(readFileSync(`${archive('files')}.json`, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(forged, `${name}.json`), JSON.stringify({ ...manifest, sha256: sha }));

    const keyless = await run(['verify', join(forged, name)]);
    expect(keyless.exitCode, keyless.stdout).toBe(0); // what can be checked without a key agrees: it says so
    expect(keyless.stdout).toContain('content NOT checked');
    const deep = await run(['verify', '--identity', join(dir, 'key.txt'), join(forged, name)]);
    expect(deep.exitCode).toBe(1);
    expect(deep.stdout).toMatch(/content: age payload chunk 1 fails authentication/);

    const to = join(dir, 'restore-forged');
    const restore = await run(['restore', join(forged, name), '--to', to, '--identity', join(dir, 'key.txt')]);
    expect(restore.exitCode).toBe(1);
    expect(restore.stderr).toMatch(/failed verification; nothing was restored/);
    expect(existsSync(to)).toBe(false);

    const noKey = await run(['restore', archive('files'), '--to', to]);
    expect(noKey.exitCode).toBe(1);
    expect(noKey.stderr).toContain('pass --identity FILE or set SNAPSHOTTER_AGE_IDENTITY_FILE');
    const wrong = await run(['restore', archive('files'), '--to', to, '--identity', join(dir, 'other.txt')]);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain("no identity matches this archive's recipients");
    expect(existsSync(to)).toBe(false);
  });

  it('restores into folders and into the postgres target; the identity is nowhere but in its file', async () => {
    const to = join(dir, 'restored');
    const folder = await run(['restore', archive('files'), '--to', to, '--identity', join(dir, 'key.txt')]);
    expect(folder.exitCode, folder.stderr).toBe(0);
    expect(readFileSync(join(to, dir.slice(1), 'src', 'a.txt'), 'utf8')).toContain(MARKER);
    const identityEnv = { SNAPSHOTTER_AGE_IDENTITY_FILE: join(dir, 'key.txt') };
    const db = await run(['restore', archive('db'), '--target', 'db', '-c', config(), '--yes'], identityEnv);
    expect(db.exitCode, db.stderr).toBe(0);
    expect(readFileSync(join(dir, 'psql-in.sql'), 'utf8')).toBe(DUMP);

    const logs = readdirSync(dir).filter((n) => n.startsWith('snapshotter') && n.includes('.log'));
    expect(logs.length).toBeGreaterThan(0);
    const places = [
      ...outputs.flatMap((o) => [o.stdout, o.stderr]),
      ...logs.map((name) => readFileSync(join(dir, name), 'utf8')),
      ...bodies,
      ...['files', 'db'].map((t) => readFileSync(`${archive(t)}.json`, 'utf8')),
      readFileSync(join(dir, 'docker-argv.jsonl'), 'utf8'),
    ];
    expect(bodies.length).toBeGreaterThan(0);
    for (const text of places) expect(text).not.toContain(secret);
    const childEnvs = readdirSync(dir).filter((n) => n.startsWith('docker-env-'));
    expect(childEnvs.length).toBeGreaterThanOrEqual(2); // the backup's dump and the restore's psql
    for (const file of childEnvs) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('key.txt');
    }
  });

  it('refuses an invalid recipient as a config error (78) naming file, line and key', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      `backup_dir: ${dir}/b2\ntargets:\n  - name: x\n    type: filesystem\n    paths: [${dir}/src]\n    encryption: { age_recipients: [age1notakey] }\n`,
    );
    const result = await run(['config', 'check', '-c', bad]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain(`${bad}:6:`);
    expect(result.stderr).toContain('targets[0].encryption.age_recipients[0]: "age1notakey" is not an age X25519 recipient');
  });
});
