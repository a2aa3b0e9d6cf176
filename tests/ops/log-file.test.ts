// The log file: the configured path is the current file, rotation keeps max_files across runs, `silent` silences
// it, a dry run creates nothing, and a log folder that cannot be created is a warning, not a lost backup.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLogFile } from '../../src/logging/log-file.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

function setup(logFile: string, extra = ''): { dir: string; config: string } {
  const dir = tmpDir();
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a'), 'a');
  const config = join(dir, 'c.yaml');
  writeFileSync(
    config,
    `backup_dir: ${dir}/b\nlog: { file: "${logFile.replace('DIR', dir)}"${extra} }\ntargets:\n  - { name: files, type: filesystem, paths: [${dir}/src] }\n`,
  );
  return { dir, config };
}

describe('log rotation', () => {
  it('at start shifts file → file.1 → … and keeps max_files in all, the configured path being the current file', () => {
    const dir = tmpDir();
    const path = join(dir, 'snapshotter.log');
    for (const [name, text] of [
      ['', 'current'],
      ['.1', 'one'],
      ['.2', 'two'],
      ['.5', 'stray'],
    ] as const) {
      writeFileSync(path + name, text);
    }
    const fd = openLogFile({ path, maxSize: 1, maxFiles: 3 });
    writeFileSync(fd, 'new\n');
    expect(readdirSync(dir).sort()).toEqual(['snapshotter.log', 'snapshotter.log.1', 'snapshotter.log.2']);
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(readFileSync(path + '.1', 'utf8')).toBe('current');
    expect(readFileSync(path + '.2', 'utf8')).toBe('one');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Under max_size nothing moves.
    openLogFile({ path, maxSize: 1024, maxFiles: 3 });
    expect(readFileSync(path + '.1', 'utf8')).toBe('current');
  });
});

describe('the log file of a run', () => {
  it('is the configured path; --log-level silent writes nothing to it', async () => {
    const { dir, config } = setup('DIR/logs/snapshotter.log', ', max_size: 1, max_files: 2');
    const path = join(dir, 'logs', 'snapshotter.log');
    expect((await runCli(['run', '-c', config])).exitCode).toBe(0);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('backup started');
    expect((await runCli(['run', '-c', config, '--log-level', 'silent'])).exitCode).toBe(0);
    expect(readdirSync(join(dir, 'logs'))).toEqual(['snapshotter.log']);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toEqual(lines);
  }, 60_000);

  it('a dry run creates neither the log file nor its folder', async () => {
    const { dir, config } = setup('DIR/logs/snapshotter.log');
    expect((await runCli(['run', '--dry-run', '-c', config])).exitCode).toBe(0);
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  }, 60_000);

  it('a log folder that cannot be created is a warning on stderr; the backup is made', async () => {
    const { dir, config } = setup('DIR/not-a-folder/logs/snapshotter.log');
    writeFileSync(join(dir, 'not-a-folder'), 'a file');
    const result = await runCli(['run', '-c', config]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/cannot write the log file; logging to stderr only.*ENOTDIR/);
    expect(readdirSync(join(dir, 'b', 'files')).some((n) => n.endsWith('.tar.gz'))).toBe(true);
  }, 60_000);
});
