// scripts/setup-cron.sh: the printed entry is a valid crontab line with absolute paths and no flock, parsed
// strictly here; installed for real into a scratch crontab (the `nobody` user's, only when it has none) where
// Debian's crontab checks the syntax; idempotent; --remove leaves every other line alone.
import { execa } from 'execa';
import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findBinary, requireBinaries, requireCondition } from '../helpers/binaries.js';
import { BIN } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/setup-cron.sh', import.meta.url));
const BEGIN = '# BEGIN snapshotter (managed by setup-cron.sh; edits between these lines are replaced)';
const END = '# END snapshotter';

async function setupCron(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa('bash', [SCRIPT, ...args], { reject: false });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** One cron time field (numbers, ranges, steps, lists) within its range. */
function validField(field: string, [min, max]: [number, number]): boolean {
  return field.split(',').every((part) => {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return false;
    const nums = [m[2], m[3]].filter((n): n is string => n !== undefined).map(Number);
    if (m[4] !== undefined && Number(m[4]) < 1) return false;
    return nums.every((n) => n >= min && n <= max) && (nums.length < 2 || nums[0]! <= nums[1]!);
  });
}

/** Splits the command the way sh would for our plain and single-quoted words. */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => (m[1] ?? m[2]!).replace(/\\%/g, '%'));
}

function parseEntry(stdout: string): { fields: string[]; words: string[] } {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toBe(BEGIN);
  expect(lines[2]).toBe(END);
  const line = lines[1]!;
  const fields = line.split(/\s+/).slice(0, 5);
  const command = line.split(/\s+/).slice(5).join(' ');
  fields.forEach((f, i) => expect(validField(f, RANGES[i]!), `field ${i + 1}: ${f}`).toBe(true));
  // An unescaped % would become a newline in cron.
  expect(command.replace(/\\%/g, '')).not.toContain('%');
  return { fields, words: shellWords(command) };
}

describe('setup-cron.sh --print', () => {
  it('prints a valid crontab entry: absolute node and bin, the config, output appended to a log, no flock', async () => {
    const dir = tmpDir();
    const result = await setupCron('--print', '--config', join(dir, 'snap.yaml'), '--log', join(dir, 'cron.log'));
    expect(result.exitCode, result.stderr).toBe(0);
    const { fields, words } = parseEntry(result.stdout);
    expect(fields).toEqual(['17', '3', '*', '*', '*']);
    const [node, bin, ...rest] = words;
    expect(isAbsolute(node!) && existsSync(node!)).toBe(true);
    expect(bin).toBe(BIN);
    expect(rest).toEqual(['run', '-c', join(dir, 'snap.yaml'), `>>${join(dir, 'cron.log')}`, '2>&1']);
    expect(result.stdout).not.toContain('flock');
  });

  it('takes a schedule, quotes awkward paths, escapes % and rejects a bad schedule', async () => {
    const dir = tmpDir();
    const config = join(dir, 'my configs', 'snap%1.yaml');
    const ok = await setupCron('--print', '--schedule', '*/30 1-5 * * 1,3,5', '--config', config, '--node', process.execPath);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const { fields, words } = parseEntry(ok.stdout);
    expect(fields).toEqual(['*/30', '1-5', '*', '*', '1,3,5']);
    expect(words[0]).toBe(process.execPath);
    expect(words[4]).toBe(config);

    const bad = await setupCron('--print', '--schedule', '3 * *');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('invalid --schedule "3 * *"');
    expect((await setupCron('--bogus')).exitCode).not.toBe(0);
  });
});

const crontab = findBinary('crontab');
const isRoot = process.getuid?.() === 0;
const canInstall =
  requireBinaries('setup-cron.sh into a real crontab', { crontab }) &&
  requireCondition('setup-cron.sh into a real crontab', isRoot, 'needs root (crontab -u nobody)');

describe.runIf(canInstall)('setup-cron.sh with a real crontab', () => {
  const user = ['-u', 'nobody'];
  const list = async (): Promise<{ exitCode: number; text: string }> => {
    const r = await execa(crontab!, [...user, '-l'], { reject: false });
    return { exitCode: r.exitCode ?? -1, text: String(r.stdout) };
  };

  it('installs once however often it runs, keeps other lines, and removes only its entry', async (ctx) => {
    const clean = (await list()).exitCode !== 0;
    if (!requireCondition('setup-cron.sh into a real crontab', clean, 'nobody already has a crontab (left untouched)'))
      ctx.skip();
    const dir = tmpDir();
    writeFileSync(join(dir, 'snap.yaml'), 'backup_dir: /tmp\n');
    const foreign = join(dir, 'foreign.cron');
    writeFileSync(foreign, 'MAILTO=""\n0 * * * * /bin/true\n');
    try {
      // The printed entry, installed as a file: Debian's crontab refuses any line it cannot parse.
      const printed = await setupCron('--print', '--config', join(dir, 'snap.yaml'), '--log', join(dir, 'log', 'cron.log'));
      writeFileSync(join(dir, 'entry.cron'), printed.stdout);
      const installed = await execa(crontab!, [...user, join(dir, 'entry.cron')], { reject: false });
      expect(installed.exitCode, String(installed.stderr)).toBe(0);
      expect((await list()).text).toBe(printed.stdout.trimEnd());

      await execa(crontab!, [...user, foreign]);
      const args = ['--user', 'nobody', '--config', join(dir, 'snap.yaml'), '--log', join(dir, 'log', 'cron.log')];
      expect((await setupCron(...args)).exitCode).toBe(0);
      expect((await setupCron(...args, '--schedule', '5 4 * * *')).exitCode).toBe(0);
      const text = (await list()).text;
      expect(text.split('\n').filter((l) => l === BEGIN)).toHaveLength(1);
      expect(text).toContain('MAILTO=""\n0 * * * * /bin/true\n' + BEGIN + '\n5 4 * * * ');
      expect(existsSync(join(dir, 'log'))).toBe(true);

      expect((await setupCron('--user', 'nobody', '--remove')).exitCode).toBe(0);
      expect((await list()).text).toBe('MAILTO=""\n0 * * * * /bin/true');
      await execa(crontab!, [...user, '-r']);
      // Removing from a crontab that holds only our entry removes the crontab.
      expect((await setupCron(...args)).exitCode).toBe(0);
      expect((await setupCron('--user', 'nobody', '--remove')).exitCode).toBe(0);
      expect((await list()).exitCode).not.toBe(0);
    } finally {
      await execa(crontab!, [...user, '-r'], { reject: false });
    }
  });
});
