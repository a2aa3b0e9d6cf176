// Config rules of the contract, through the CLI's main() in-process (`config check`: same loader, same output):
// ${VAR:-default}, the warning for a world-readable file that holds secrets, and where the config is looked up.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';

function config(dir: string, name: string, body: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
}

const target = (dir: string) => `targets:\n  - { name: files, type: filesystem, paths: [${dir}] }\n`;

describe('config rules', () => {
  it('${VAR:-default} takes the default when VAR is unset or empty, and VAR when set', async () => {
    const dir = tmpDir();
    const path = config(
      dir,
      'c.yaml',
      `backup_dir: \${SNAP_T_DIR:-${dir}/fallback}\nhostname: \${SNAP_T_HOST:-from-default}\n${target(dir)}`,
    );
    const check = (env: Record<string, string | undefined>) =>
      mainInProcess(['config', 'check', '--json', '-c', path], { SNAP_T_DIR: undefined, ...env });
    for (const env of [{ SNAP_T_HOST: undefined }, { SNAP_T_HOST: '' }]) {
      const result = await check(env);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ backup_dir: `${dir}/fallback`, hostname: 'from-default' });
    }
    const set = await check({ SNAP_T_HOST: 'db-7', SNAP_T_DIR: `${dir}/set` });
    expect(JSON.parse(set.stdout)).toMatchObject({ backup_dir: `${dir}/set`, hostname: 'db-7' });
  });

  it('warns about a config that holds secrets and is readable by every user, and only then', async () => {
    const dir = tmpDir();
    const body = `backup_dir: ${dir}/b\nnotifications:\n  webhooks:\n    - url: http://127.0.0.1:9/secret-hook\n${target(dir)}`;
    const open = config(dir, 'open.yaml', body, 0o644);
    const warned = await mainInProcess(['config', 'check', '-c', open]);
    expect(warned.exitCode).toBe(0);
    expect(warned.stderr).toContain(`warning: ${open} holds secrets and is readable by every user (mode 644); chmod 600 it`);
    expect((await mainInProcess(['config', 'check', '-c', config(dir, 'closed.yaml', body, 0o600)])).stderr).toBe('');
    const noSecrets = config(dir, 'plain.yaml', `backup_dir: ${dir}/b\n${target(dir)}`, 0o644);
    expect((await mainInProcess(['config', 'check', '-c', noSecrets])).stderr).toBe('');
  });

  it('looks for the config in -c, then $SNAPSHOTTER_CONFIG, then ./snapshotter.yaml', async () => {
    const dir = tmpDir();
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const local = config(cwd, 'snapshotter.yaml', `backup_dir: ${dir}/local\n${target(dir)}`);
    const fromEnv = config(dir, 'env.yaml', `backup_dir: ${dir}/env\n${target(dir)}`);
    const flag = config(dir, 'flag.yaml', `backup_dir: ${dir}/flag\n${target(dir)}`);
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const used = async (args: string[], env: Record<string, string | undefined>) => {
        const result = await mainInProcess(['config', 'check', ...args], env);
        expect(result.exitCode, result.stderr).toBe(0);
        return /^# (.*): valid$/m.exec(result.stdout)?.[1];
      };
      expect(await used(['-c', flag], { SNAPSHOTTER_CONFIG: fromEnv })).toBe(flag);
      expect(await used([], { SNAPSHOTTER_CONFIG: fromEnv })).toBe(fromEnv);
      expect(await used([], { SNAPSHOTTER_CONFIG: undefined })).toBe(local);
    } finally {
      process.chdir(before);
    }
  });
});
