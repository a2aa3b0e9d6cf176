// How a run behaves around its targets: timeouts, files changing underneath, dry runs that touch nothing.
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { makeGate } from '../helpers/gate.js';
import { tmpDir } from '../helpers/tmp.js';
import { randomFile } from '../helpers/files.js';
import { tempFiles, whenTempHolds } from '../helpers/watch.js';

describe('a run', () => {
  it('stops a target at its timeout, removes its partial files, and runs the others', async () => {
    const dir = tmpDir();
    const gate = makeGate(['slow']); // never released: only the timeout ends it
    mkdirSync(join(dir, 'small'));
    writeFileSync(join(dir, 'small', 'a.txt'), 'a');
    writeFileSync(
      join(dir, 'c.yaml'),
      `backup_dir: ${dir}/backups
targets:
${gate.target('slow', 'timeout: 1s')}  - { name: quick, type: filesystem, paths: [${dir}/small] }
`,
    );
    const result = await runCli(['run', '-c', join(dir, 'c.yaml'), '--json'], { env: gate.env });
    expect(result.exitCode).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.targets[0]).toMatchObject({
      name: 'slow',
      status: 'failure',
      error: 'timed out after 1.0s waiting for pg_dumpall in container slow',
    });
    expect(report.targets[1]).toMatchObject({ name: 'quick', status: 'success' });
    expect(readdirSync(join(dir, 'backups', 'slow'))).toEqual([]);
    expect(gate.log()).toContain('term slow'); // the dump was stopped, not left running
  });

  it('warns, naming the file, when a file changes while it is read', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    const growing = join(dir, 'src', 'growing.log');
    randomFile(growing, 32);
    writeFileSync(
      join(dir, 'c.yaml'),
      `backup_dir: ${dir}/backups\ntargets:\n  - { name: logs, type: filesystem, paths: [${dir}/src] }\n`,
    );
    const folder = join(dir, 'backups', 'logs');
    mkdirSync(folder, { recursive: true });
    const child = startCli(['run', '-c', join(dir, 'c.yaml'), '--json']);
    // 1 MiB of (incompressible) archive is out: the file is being read, and the pipeline holds only a few MiB of
    // the 32 ahead of the archive, so the read is far from done when the file changes.
    const temp = await whenTempHolds(folder, 1024 * 1024, child);
    appendFileSync(growing, 'one more line\n');
    expect(tempFiles(folder), 'the file changed while the archive was written').toContain(temp);
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const warnings = JSON.parse(String(result.stdout)).targets[0].warnings;
    expect(warnings).toContainEqual({
      code: 'file_changed',
      message: `${growing} changed while being read; the archive holds a copy that may be inconsistent`,
    });
  });

  it('--dry-run shows the plan and writes nothing', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'c.yaml'),
      `backup_dir: ${dir}/backups\ntargets:\n  - name: files\n    type: filesystem\n    paths: [${dir}/src, ${dir}/gone]\n    exclude: ["**/*.tmp"]\n`,
    );
    const result = await runCli(['run', '--dry-run', '-c', join(dir, 'c.yaml')]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`read ${dir}/src (exists)`);
    expect(result.stdout).toContain(`read ${dir}/gone (MISSING`);
    expect(result.stdout).toContain('exclude **/*.tmp');
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });
});
