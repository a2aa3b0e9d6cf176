// Remote retention and the fleet view: only complete backups of this host and target are pruned (foreign objects,
// an archive without manifest and another host's backups stay), two targets × two remotes, and a restore on a
// machine that has only the config and the credentials.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { testWriter } from '../helpers/writer.js';
import { useS3 } from './s3-harness.js';
import { filesConfig, keys, putObject, reader, remoteYaml, sourceDir, writeConfig } from './setup.js';

const s3 = useS3();
const withAge = requireBinaries('encrypted remote tests', { 'age-keygen': findBinary('age-keygen') });

/** Writes an old complete local backup of target `files` (a tiny tar) stamped at `when`. */
async function oldBackup(dir: string, when: string): Promise<string> {
  const tar = execFileSync('tar', ['-cf', '-', '-C', dir, 'tiny']);
  mkdirSync(join(dir, 'backups', 'files'), { recursive: true });
  const writer = testWriter(join(dir, 'backups', 'files'), { hostname: 'h1', now: () => new Date(when) });
  return (await writer.write({ format: 'tar', source: Readable.from([tar]), describe: {} })).name;
}

describe('remote retention and fleet', () => {
  it('prunes only complete backups of this host and target; foreign objects and other hosts are untouched', async () => {
    const dir = tmpDir();
    const src = sourceDir(dir, 1);
    writeFileSync(join(dir, 'tiny'), 'x');
    const olds = [];
    for (const when of ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'])
      olds.push(await oldBackup(dir, when));
    const s = reader(s3().direct);
    const foreign = [
      'r1/h1/files/notes.txt',
      'r1/h1/files/files-20200101T000000Z.tar.gz',
      'r1/other/files/files-20200102T000000Z.tar.gz',
      'r1/other/files/files-20200102T000000Z.tar.gz.sha256',
      'r1/other/files/files-20200102T000000Z.tar.gz.json',
    ];
    for (const key of foreign) await putObject(s, key, 'not ours');
    const { file, env } = filesConfig({
      dir,
      src,
      target: '    retention: { keep_last: 2 }\n',
      remote: { endpoint: s3().front.endpoint, prefix: 'r1/' },
    });
    const dry = await runCli(['prune', '-c', file, '--remote', 'offsite', '--dry-run'], { env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('not a complete backup, left alone: files-20200101T000000Z.tar.gz');

    const run = await runCli(['run', '-c', file, '--json'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const result = (
      JSON.parse(run.stdout) as { targets: { artifact: string; remotes: { uploaded: string[]; deleted: string[] }[] }[] }
    ).targets[0]!;
    expect(result.remotes[0]!.uploaded).toEqual([result.artifact, olds[2], olds[1], olds[0]]);
    expect(result.remotes[0]!.deleted).toEqual([olds[1], olds[0]]);
    const left = await keys(s, 'r1/');
    for (const key of foreign) expect(left).toContain(key);
    const ours = left.filter((k) => k.startsWith('r1/h1/files/files-2026') && !foreign.includes(k));
    expect(ours).toEqual(
      [result.artifact, olds[2]!].flatMap((n) => [`r1/h1/files/${n}`, `r1/h1/files/${n}.json`, `r1/h1/files/${n}.sha256`]).sort(),
    );

    const status = await runCli(['status', '-c', file, '--remote', 'offsite', '--all-hosts', '--json'], { env });
    const hosts = (JSON.parse(status.stdout) as { targets: { hostname: string; status: string }[] }).targets;
    expect(hosts.map((h) => `${h.hostname}:${h.status}`)).toEqual(['h1:ok', 'other:missing']);
    expect(status.exitCode).toBe(1);
  });

  it('copies two targets to two remotes, verifies by download, restores on a new machine', async () => {
    const dir = tmpDir();
    const src = sourceDir(dir, 1);
    const body = (backupDir: string): string => `backup_dir: ${backupDir}
hostname: h2
targets:
  - name: files
    type: filesystem
    paths: [${src}]
  - name: more
    type: filesystem
    paths: [${src}]
    remotes: [b]
remotes:
${remoteYaml({ name: 'a', endpoint: s3().front.endpoint, prefix: 'x1/' })}${remoteYaml({ name: 'b', endpoint: s3().front.endpoint, prefix: 'x2/' })}defaults:
  remotes: [a, b]
`;
    const { file, env } = writeConfig(dir, body(`${dir}/backups`));
    const run = await runCli(['run', '-c', file, '--json'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const targets = (JSON.parse(run.stdout) as { targets: { name: string; remotes: { name: string; status: string }[] }[] })
      .targets;
    expect(targets.map((t) => [t.name, t.remotes.map((r) => `${r.name}:${r.status}`)])).toEqual([
      ['files', ['a:success', 'b:success']],
      ['more', ['b:success']],
    ]);
    const s = reader(s3().direct);
    expect((await keys(s, 'x1/')).filter((k) => k.endsWith('.json'))).toHaveLength(1);
    expect((await keys(s, 'x2/')).filter((k) => k.endsWith('.json'))).toHaveLength(2);
    const verify = await runCli(['verify', '-c', file, '--remote', 'b', '--download'], { env });
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(verify.stdout.match(/^OK /gm)).toHaveLength(2);

    const fresh = tmpDir();
    const newMachine = writeConfig(fresh, body(`${fresh}/backups`));
    const out = join(fresh, 'out');
    const restore = await runCli(
      ['restore', '-c', newMachine.file, '--remote', 'a', '--latest', '--target', 'files', '--to', out],
      {
        env: newMachine.env,
      },
    );
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(readFileSync(join(out, src.slice(1), 'data.bin')).equals(readFileSync(join(src, 'data.bin')))).toBe(true);
  });

  it.runIf(withAge)('verifies and restores an encrypted archive through the remote, with and without the identity', async () => {
    const dir = tmpDir();
    const src = sourceDir(dir, 1);
    const key = join(dir, 'key.txt');
    execFileSync('age-keygen', ['-o', key], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', key], { encoding: 'utf8' }).trim();
    const { file, env } = filesConfig({
      dir,
      src,
      hostname: 'h3',
      target: `    encryption: { age_recipients: [${recipient}] }\n`,
      remote: { endpoint: s3().front.endpoint, prefix: 'enc/' },
    });
    const preview = await runCli(['run', '-c', file, '--dry-run'], { env });
    expect(preview.stdout).toContain('encrypted with age to 1 recipient');
    const run = await runCli(['run', '-c', file], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const blind = await runCli(['verify', '-c', file, '--remote', 'offsite', '--download'], { env });
    expect(blind.exitCode, blind.stdout + blind.stderr).toBe(0);
    expect(blind.stdout).toMatch(/^OK {3}enc\/h3\/files\/files-\d{8}T\d{6}Z\.tar\.gz\.age\n.*content NOT checked/m);
    const deep = await runCli(['verify', '-c', file, '--remote', 'offsite', '--download', '--identity', key], { env });
    expect(deep.exitCode, deep.stdout + deep.stderr).toBe(0);
    expect(deep.stdout).toContain('.tar.gz.age, decrypted and checked');

    const out = join(dir, 'out');
    const restore = ['restore', '-c', file, '--remote', 'offsite', '--latest', '--target', 'files', '--to', out];
    const refused = await runCli(restore, { env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('--identity');
    const restored = await runCli(restore, { env: { ...env, SNAPSHOTTER_AGE_IDENTITY_FILE: key } });
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(readFileSync(join(out, src.slice(1), 'data.bin')).equals(readFileSync(join(src, 'data.bin')))).toBe(true);
  });
});
