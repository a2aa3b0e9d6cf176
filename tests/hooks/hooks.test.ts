// Hooks around the run and around each target (DESIGN §13): real scripts that record what they were told.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainInProcess } from '../helpers/in-process.js';
import { hookRun } from './setup.js';

const SECRET = 'pw-Zq81-never-shown';
const ALLOWED_ENV =
  /^(PATH|HOME|LANG|LC_\w+|TZ|TMPDIR|USER|SHELL|SNAPSHOTTER_(EVENT|TARGET|TYPE|STATUS|ARCHIVE|HOSTNAME)|PWD|SHLVL|_)$/;

// Run-level and target hooks in argv and string forms, next to a target whose password is a secret.
const HOOKED = `backup_dir: $DIR/backups
hostname: hook-host
hooks:
  before: [[$DIR/rec, run-before]]
  after: ["$DIR/rec 'run after'"]
  on_failure: [[$DIR/rec, run-failure]]
targets:
  - name: files
    type: filesystem
    paths: [$DIR/src]
    hooks:
      before:
        - [$DIR/rec, files-before]
        - env > $DIR/env.txt; echo "told ${SECRET}"; echo "to stderr" >&2
      after: [[$DIR/rec, files after]]
      on_failure: [[$DIR/rec, files-failure]]
  - name: db
    type: postgres
    container: pg
    password: \${PG_SECRET_PW}
`;

describe('hooks', () => {
  it('run in order with their facts in a minimal environment, argv and string forms, output masked in the log', async () => {
    const { h, result } = await hookRun(HOOKED, ['run', '--target', 'files', '--json'], {
      PG_SECRET_PW: SECRET,
      DO_TOKEN: 'do-token-secret',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(h.events()).toEqual([
      'run-before event=before target= type= status= archive=none host=hook-host',
      'files-before event=before target=files type=filesystem status= archive=none host=hook-host',
      'files after event=after target=files type=filesystem status=success archive=exists host=hook-host',
      'run after event=after target= type= status=success archive=none host=hook-host',
    ]);

    const env = readFileSync(join(h.dir, 'env.txt'), 'utf8');
    const names = env
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=')[0]);
    expect(names.filter((n) => !ALLOWED_ENV.test(n!))).toEqual([]);
    expect(env).not.toContain(SECRET);
    expect(env).not.toContain('do-token-secret');
    expect(env).toContain('SNAPSHOTTER_EVENT=before');

    const report = JSON.parse(result.stdout);
    expect(report.hooks.map((x: { event: string; exit_code: number }) => [x.event, x.exit_code])).toEqual([
      ['before', 0],
      ['after', 0],
    ]);
    expect(report.targets[0].hooks).toHaveLength(3);
    expect(report.targets[0].hooks[1]).toMatchObject({ event: 'before', exit_code: 0, error: null });
    expect(report.targets[0].hooks[1].command).toContain('echo "told ***"');
    expect(report.targets[0].hooks[0].command).toBe(`${h.rec} files-before`);

    // With --json the log is JSON lines on stderr.
    expect(result.stderr).not.toContain(SECRET);
    const output = result.stderr
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'hook output');
    expect(output.map((line) => [line.target, line.hook, line.stream, line.line])).toEqual([
      ['files', 'before', 'stdout', 'told ***'],
      ['files', 'before', 'stderr', 'to stderr'],
    ]);
  });

  it('a failing before skips its target and still runs its after and on_failure hooks (exit 2)', async () => {
    const { h, result } = await hookRun(
      `backup_dir: $DIR/backups
hostname: hh
hooks:
  on_failure: [[$DIR/rec, run-failure]]
targets:
  - name: broken
    type: filesystem
    paths: [$DIR/src]
    hooks:
      before: ["echo cannot stop the app >&2; exit 3", [$DIR/rec, never]]
      after: [[$DIR/rec, broken-after]]
      on_failure: [[$DIR/rec, broken-failure]]
  - name: fine
    type: filesystem
    paths: [$DIR/src]
    hooks:
      after: ["exit 4"]
`,
      ['run', '--json'],
    );
    expect(result.exitCode, result.stderr).toBe(2);
    const [broken, fine] = JSON.parse(result.stdout).targets;
    expect(broken).toMatchObject({ status: 'failure', artifact: null });
    expect(broken.error).toBe('before hook `echo cannot stop the app >&2; exit 3` exited with code 3: cannot stop the app');
    expect(existsSync(join(h.dir, 'backups', 'broken'))).toBe(false);
    expect(h.events()).toEqual([
      'broken-after event=after target=broken type=filesystem status=failure archive=none host=hh',
      'broken-failure event=on_failure target=broken type=filesystem status=failure archive=none host=hh',
      'run-failure event=on_failure target= type= status=failure archive=none host=hh',
    ]);
    // A failing after hook is a warning: it does not undo a good backup.
    expect(fine.status).toBe('success');
    expect(fine.warnings).toEqual([{ code: 'hook_failed', message: 'after hook `exit 4` exited with code 4' }]);
    expect(fine.hooks).toEqual([
      { event: 'after', command: 'exit 4', exit_code: 4, duration_seconds: expect.any(Number), error: fine.warnings[0].message },
    ]);
  });

  it('a failing run-level before fails every target without backing up (exit 1); the run’s after and on_failure run', async () => {
    const { h, result } = await hookRun(
      `backup_dir: $DIR/backups
hostname: hh
hooks:
  before: [[$DIR/no-such-mount-helper]]
  after: [[$DIR/rec, run-after]]
  on_failure: [[$DIR/rec, run-failure]]
targets:
  - { name: one, type: filesystem, paths: [$DIR/src], hooks: { before: [[$DIR/rec, never]] } }
  - { name: two, type: filesystem, paths: [$DIR/src] }
`,
      ['run'],
    );
    expect(result.exitCode, result.stderr).toBe(1);
    const lines = result.stdout.split('\n');
    for (const name of ['one', 'two']) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^FAIL ${name}  run before hook \`.*/no-such-mount-helper\` could not start \\(.*ENOENT`),
        ),
      );
    }
    expect(lines).toContainEqual(
      expect.stringMatching(/^run hook failed: before hook `.*\/no-such-mount-helper` could not start/),
    );
    expect(h.events()).toEqual([
      'run-after event=after target= type= status=failure archive=none host=hh',
      'run-failure event=on_failure target= type= status=failure archive=none host=hh',
    ]);
    expect(existsSync(join(h.dir, 'backups', 'one'))).toBe(false);
  });

  it('--dry-run lists every hook in order and runs none; config check shows them masked; a typo is a config error', async () => {
    const env = { PG_SECRET_PW: SECRET };
    const { h, result: dry } = await hookRun(HOOKED, ['run', '--dry-run', '--target', 'files'], env);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const listed = dry.stdout.split('\n').filter((line) => line.includes('rec'));
    expect(listed).toEqual([
      `  - hook before: ${h.rec} run-before`,
      `  - hook before: ${h.rec} files-before`,
      `  - hook after: ${h.rec} 'files after'`,
      `  - hook on_failure (only when it fails): ${h.rec} files-failure`,
      `  - hook after: ${h.rec} 'run after'`,
      `  - hook on_failure (only when it fails): ${h.rec} run-failure`,
    ]);
    expect(dry.stdout).not.toContain(SECRET);
    expect(h.events()).toEqual([]);
    expect(existsSync(join(h.dir, 'backups'))).toBe(false);

    const check = await mainInProcess(['config', 'check', '-c', h.config, '--json'], env);
    expect(check.exitCode, check.stderr).toBe(0);
    const shown = JSON.parse(check.stdout);
    expect(shown.hook_timeout).toBe('5m');
    expect(shown.targets[0].hooks.before).toEqual([
      [h.rec, 'files-before'],
      `env > ${h.dir}/env.txt; echo "told ***"; echo "to stderr" >&2`,
    ]);
    expect(shown.targets[0].hooks.after).toEqual([[h.rec, 'files after']]);

    writeFileSync(
      h.config,
      `backup_dir: ${h.dir}/b\nhooks:\n  befor: [x]\ntargets:\n  - { name: a, type: filesystem, paths: [/etc] }\n`,
    );
    const typo = await mainInProcess(['config', 'check', '-c', h.config]);
    expect(typo.exitCode).toBe(78);
    expect(typo.stderr).toMatch(/c\.yaml:3:3: hooks\.befor: unknown key "befor"/);
  });
});
