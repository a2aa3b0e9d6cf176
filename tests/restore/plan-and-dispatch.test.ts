// The restore plan's decisions (pure), the on-disk second line of defence, and the dispatch of
// `restore ARCHIVE --target NAME` to a target module that can restore.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { restoreIntoTarget } from '../../src/commands/restore-target.js';
import type { TargetBase } from '../../src/config/common.js';
import { DeepPaths } from '../../src/restore/deep-paths.js';
import { RestoreRefusedError } from '../../src/restore/entry-path.js';
import { limitProblem } from '../../src/restore/limits.js';
import { RestorePlan } from '../../src/restore/plan.js';
import { describeProgress, progressLine } from '../../src/restore/progress.js';
import { writeFile } from '../../src/restore/write-entry.js';
import type { RestoreContext, TargetModule } from '../../src/targets/types.js';
import { UsageError } from '../../src/util/errors.js';
import { Redactor } from '../../src/util/redact.js';
import { tmpDir } from '../helpers/tmp.js';
import { gnuTar, wrapArchive } from './helpers.js';

describe('RestorePlan', () => {
  it('strips a leading / and ./, keeps parents as folders, and refuses what could leave DIR', () => {
    const plan = new RestorePlan([]);
    expect(plan.decide({ name: '/etc/app/conf', type: 'File' })).toMatchObject({
      kind: 'file',
      rel: 'etc/app/conf',
      parents: ['etc', 'etc/app'],
    });
    expect(plan.decide({ name: './etc/app/other', type: 'File' })).toMatchObject({ rel: 'etc/app/other', parents: [] });
    expect(() => plan.decide({ name: 'a/../../b', type: 'File' })).toThrow(RestoreRefusedError);
    plan.decide({ name: 'link', type: 'SymbolicLink', linkpath: '/etc' });
    expect(() => plan.decide({ name: 'link/passwd', type: 'File' })).toThrow(/"link" is a symbolic link/);
    expect(plan.decide({ name: 'link', type: 'File' })).toMatchObject({ kind: 'file', replace: true });
    expect(() => plan.decide({ name: 'etc/app', type: 'File' })).toThrow(/replace the folder/);
    expect(plan.decide({ name: 'hard', type: 'Link', linkpath: '/etc/app/conf' })).toMatchObject({
      kind: 'hardlink',
      target: 'etc/app/conf',
    });
    expect(() => plan.decide({ name: 'hard2', type: 'Link', linkpath: 'etc/app' })).toThrow(/not a file restored earlier/);
    expect(plan.decide({ name: 'dev/sda', type: 'BlockDevice' })).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining('BlockDevice'),
    });
  });

  it('--path selects a subtree; hard links into the rest are skipped with a reason', () => {
    const plan = new RestorePlan(['srv/app']);
    expect(plan.decide({ name: 'srv/other/x', type: 'File' })).toEqual({ kind: 'skip', rel: 'srv/other/x', reason: undefined });
    expect(plan.decide({ name: 'srv/app/x', type: 'File' })).toMatchObject({ kind: 'file' });
    expect(plan.decide({ name: 'srv/application', type: 'File' })).toMatchObject({ kind: 'skip', reason: undefined });
    expect(plan.decide({ name: 'srv/app/y', type: 'Link', linkpath: 'srv/other/x' })).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining('outside --path'),
    });
  });

  it('the ratio check waits for 64 MiB and can be turned off', () => {
    const limits = { maxSize: Number.MAX_SAFE_INTEGER, maxRatio: 200 };
    expect(limitProblem(limits, 60 * 1024 * 1024, 1000)).toBeUndefined();
    expect(limitProblem(limits, 65 * 1024 * 1024, 1000)).toMatch(/ratio/);
    expect(limitProblem({ ...limits, maxRatio: 0 }, 65 * 1024 * 1024, 1000)).toBeUndefined();
  });
});

describe('progress', () => {
  it('draws one line on a terminal, rewritten in place, and nothing elsewhere', () => {
    const written: string[] = [];
    const stream = (isTTY: boolean) =>
      ({ isTTY, write: (text: string) => written.push(text) }) as unknown as NodeJS.WritableStream;
    let now = 0;
    const tty = progressLine(stream(true), () => now);
    tty.update(describeProgress('restoring', 512, 2048, 3));
    now += 50;
    tty.update('too soon');
    tty.done();
    expect(written).toEqual(['\r\x1b[2Krestoring: 512 B of 2.0 KiB (25%), 3 entries', '\r\x1b[2K']);
    written.length = 0;
    const pipe = progressLine(stream(false));
    pipe.update('x');
    pipe.done();
    expect(written).toEqual([]);
  });
});

describe('writing entries (second line of defence)', () => {
  it('refuses to write below a parent that is a symbolic link on disk, even if the plan allowed it', async () => {
    const root = tmpDir();
    const outside = join(root, 'outside');
    mkdirSync(outside);
    mkdirSync(join(root, 'staging'));
    symlinkSync(outside, join(root, 'staging', 'sneaky'));
    const body = (async function* () {
      yield { offset: 0, data: Buffer.from('pwned') };
    })();
    const action = { kind: 'file' as const, rel: 'sneaky/pwned.txt', parents: [], replace: false };
    const attrs = { mode: 0o644, mtime: undefined, uid: undefined, gid: undefined };
    await expect(
      writeFile(action, attrs, body, 5, {
        root: join(root, 'staging'),
        sameOwner: false,
        realDirs: new Set(),
        paths: new DeepPaths(join(root, 'staging')),
      }),
    ).rejects.toThrow(/"sneaky" is not a real folder on disk/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('restore ARCHIVE --target NAME (dispatch)', () => {
  async function setup(type = 'postgres') {
    const root = tmpDir();
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'dump.sql'), 'SELECT 1;\n');
    gnuTar(['-czf', join(root, 'a.tar.gz'), '-C', root, 'src']);
    const archive = await wrapArchive(join(root, 'a.tar.gz'), root, { target: 'db', type });
    const calls: string[] = [];
    const module = {
      type: 'postgres',
      restore: async (_ctx: RestoreContext, config: TargetBase, a: { path: string }) =>
        void calls.push(`${config.name} ${a.path}`),
    } as unknown as TargetModule<TargetBase>;
    const config = { name: 'db', type: 'postgres' } as TargetBase;
    const ctx: RestoreContext = {
      target: 'db',
      logger: pino({ level: 'silent' }),
      signal: new AbortController().signal,
      redactor: new Redactor(),
      env: {},
      stdout: process.stdout,
      stderr: process.stderr,
    };
    const options = {
      yes: false,
      dryRun: false,
      limits: { maxSize: 1e12, maxRatio: 200 },
      progress: { update: () => undefined, done: () => undefined },
      confirm: undefined,
    };
    return { archive, calls, module, config, ctx, options };
  }

  it('refuses without --yes when nobody can answer, calls restore with --yes after verifying', async () => {
    const { archive, calls, module, config, ctx, options } = await setup();
    await expect(restoreIntoTarget(ctx, module, config, archive, options)).rejects.toThrow(/--yes/);
    expect(calls).toEqual([]);
    await expect(restoreIntoTarget(ctx, module, config, archive, { ...options, confirm: async () => false })).rejects.toThrow(
      /cancelled/,
    );
    expect(calls).toEqual([]);
    expect(await restoreIntoTarget(ctx, module, config, archive, { ...options, yes: true })).toContain('restored');
    expect(calls).toEqual([`db ${archive}`]);
  });

  it('never calls restore for a bad archive or one made by another type of target', async () => {
    const bad = await setup();
    writeFileSync(bad.archive, 'garbage');
    await expect(restoreIntoTarget(bad.ctx, bad.module, bad.config, bad.archive, { ...bad.options, yes: true })).rejects.toThrow(
      /failed verification/,
    );
    const other = await setup('filesystem');
    await expect(
      restoreIntoTarget(other.ctx, other.module, other.config, other.archive, { ...other.options, yes: true }),
    ).rejects.toThrow(/made by a filesystem target/);
    expect([...bad.calls, ...other.calls]).toEqual([]);
  });

  it('a target type without restore is a usage error that points to --to DIR', async () => {
    const { archive, ctx, config, options } = await setup();
    const plain = { type: 'filesystem' } as unknown as TargetModule<TargetBase>;
    const error = await restoreIntoTarget(ctx, plain, { ...config, type: 'filesystem' }, archive, options).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('--to DIR');
  });
});
