// The uniform contract every target type keeps, as one table of checks (in the spirit of restic's backend tests):
// each tests/conformance/<type>.test.ts hands conformance() a small fixture (how to start its source, how to break
// it, how to make it hang) and gets the same checks. A type opts out of a check only with a reason, written in its
// fixture. The depth (every failure mode, data fidelity) stays in tests/<type>/; this is about sameness.
import { execa } from 'execa';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBaseVariable } from '../../src/exec/env.js';
import type { RunReport, TargetResult } from '../../src/report.js';
import { specOf, type TargetType } from '../../src/targets/registry.js';
import { requireBinaries } from '../helpers/binaries.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';
import { alive, FAKE_BIN } from '../postgres/harness.js';

export type Check = 'timeout' | 'secrets' | 'archive' | 'truncated' | 'restore';

/** A running source, as YAML flow-mapping fields (after `name` and `type`) for three targets of the type. */
export interface Source {
  /** A target that backs up. */
  good: string;
  /** A target whose source fails (a stopped server, a missing file, a refused login). */
  broken: string;
  /** A target whose source never finishes (its `timeout: 1s` ends it); absent when the type opts out. */
  hanging?: string;
  /** The run's extra environment (the fixture's own variables). */
  env?: Record<string, string | undefined>;
  /** A secret the config holds (as ${CONFORMANCE_SECRET}); absent when the type opts out of `secrets`. */
  secret?: string;
  /** Variables a child of this type gets besides the base ones (its own password variable). */
  childEnv?: readonly string[];
  /** What a timeout's message says the target was waiting on. */
  waitingOn?: RegExp;
  /**
   * For a hanging source that is a server, not a process (HTTP): whether the run reached it (a connection, a poll
   * of the action that never finishes). Absent: the hanging source is a process that records itself in
   * $DOCKER_FAKE_LOG with `hanging` in its argv (the docker stand-in, a hanging `sqlite3_command`).
   */
  hangingReached?(): boolean;
  /** Restores the good target's archive into `dir` and compares it with the source. */
  roundTrip?(archive: string, dir: string): Promise<void>;
  stop?(): Promise<void>;
}

export interface Fixture {
  type: TargetType;
  /** Programs the source needs (a missing one skips the file, fails under CI=true). */
  binaries?: Record<string, string | undefined>;
  /** Why a check does not apply to this type (cloud snapshots have no archive …). */
  optOut: Partial<Record<Check, string>>;
  start(dir: string): Promise<Source>;
}

/** Every call the docker stand-in (tests/fixtures/bin/docker) recorded: argv, pid, its environment's names. */
function dockerCalls(file: string): { argv: string[]; pid: number; env_names?: string[] }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { argv: string[]; pid: number; env_names?: string[] });
}

/** Every file under a folder (relative paths), for "nothing written" and "no secret in a file". */
function filesUnder(root: string, rel = ''): string[] {
  if (!existsSync(join(root, rel))) return [];
  return readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(root, join(rel, e.name)) : [join(rel, e.name)],
  );
}

/**
 * An opt-out is a claim about the type, so the suite checks the claim instead of skipping: a type without secret
 * keys declares none, a type without archives declares no format and no restore, and a check done elsewhere names
 * the test file that does it (the file must exist and do it).
 */
async function optOutHolds(type: string, check: Check, reason: string): Promise<void> {
  const spec = specOf(type)!;
  const elsewhere = /tests\/[\w/.-]+\.test\.ts/.exec(reason)?.[0];
  if (elsewhere !== undefined) {
    expect(readFileSync(elsewhere, 'utf8')).toMatch(check === 'restore' ? /'restore'/ : /timed out after/);
  } else if (check === 'secrets') {
    expect(spec.secrets).toEqual([]);
  } else if (check === 'archive' || check === 'truncated') {
    expect(spec.storage).toBe('cloud');
    expect(spec.formats).toEqual([]);
  } else if (check === 'restore') {
    expect((await spec.load()).restore).toBeUndefined();
  } else {
    throw new Error(`opting out of "${check}" needs the test file that covers it named in the reason`);
  }
}

export function conformance(fixture: Fixture): void {
  const { type, optOut } = fixture;
  const enabled = requireBinaries(`conformance of ${type}`, fixture.binaries ?? {});
  // One folder for the whole file (tmpDir's folders go after each test).
  const dir = mkdtempSync(join(tmpdir(), `snapshotter-conformance-${type}-`));
  const backups = join(dir, 'backups');
  const dockerLog = join(dir, 'docker.jsonl');
  let source: Source;
  let dry: CliResult;
  let dryFiles: string[];
  let run: CliResult;
  let report: RunReport;
  const result = (name: string): TargetResult => report.targets.find((t) => t.name === name)!;
  /** A check of the contract, or where the type opts out, the test that its reason holds. */
  const check = (name: Check, title: string, body: () => Promise<void> | void, timeout?: number): void => {
    const reason = optOut[name];
    if (reason === undefined) it(title, body, timeout);
    else it(`${title} — not for this type: ${reason}`, () => optOutHolds(type, name, reason));
  };

  describe.runIf(enabled)(`conformance: ${type}`, () => {
    beforeAll(async () => {
      source = await fixture.start(dir);
      const line = (name: string, fields: string) => `  - { name: ${name}, type: ${type}, ${fields} }\n`;
      const config = join(dir, 'snapshotter.yaml');
      writeFileSync(
        config,
        `backup_dir: ${backups}\nlog: { level: debug, file: ${join(dir, 'snapshotter.log')} }\ntargets:\n` +
          line('good', source.good) +
          line('broken', source.broken) +
          (source.hanging === undefined ? '' : line('hanging', `timeout: 1s, ${source.hanging}`)),
        { mode: 0o600 },
      );
      const env = {
        PATH: `${FAKE_BIN}:${process.env.PATH ?? ''}`,
        DOCKER_FAKE_LOG: dockerLog,
        CONFORMANCE_SECRET: source.secret ?? 'unused',
        ...source.env,
      };
      // The hanging source is left out of the dry run: its read-only checks wait on their own deadline.
      dry = await runCli(['run', '--dry-run', '--target', 'good', '--target', 'broken', '-c', config], { env });
      dryFiles = filesUnder(backups);
      run = await runCli(['run', '--json', '-c', config], { env });
      if (!run.stdout.startsWith('{')) throw new Error(`run printed no report (exit ${run.exitCode}): ${run.stderr}`);
      report = JSON.parse(run.stdout) as RunReport;
    }, 120_000);
    afterAll(async () => {
      await source?.stop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('registry key = folder name = the schema type literal', async () => {
      const spec = specOf(type)!;
      expect(spec.type).toBe(type);
      expect(existsSync(new URL(`../../src/targets/${type}/schema.ts`, import.meta.url))).toBe(true);
      expect((await spec.load()).type).toBe(type);
      expect(spec.schema.safeParse({ type }).error?.issues.some((i) => i.path.join('.') === 'type')).toBe(false);
    });

    it('a dry run names every target and writes nothing', () => {
      for (const name of ['good', 'broken']) expect(dry.stdout, dry.stderr).toContain(name);
      expect(dryFiles).toEqual([]);
    });

    it('backs up the good target, and a failing source leaves no file (archive, sidecar, manifest or temp)', () => {
      expect(result('good'), run.stderr).toMatchObject({ status: 'success' });
      expect(result('broken')).toMatchObject({ status: 'failure', artifact: null });
      expect(result('broken').error).toBeTruthy();
      const leftovers = filesUnder(backups).filter((f) => !f.startsWith('good/') && !/^[^/]*\.lock$/.test(f));
      expect(leftovers).toEqual([]);
    });

    check('timeout', 'a timeout fails the target, keeps nothing and stops what it started', () => {
      const hanging = result('hanging');
      expect(hanging).toMatchObject({ status: 'failure', artifact: null });
      expect(hanging.error).toMatch(/^timed out after 1\.0s/);
      if (source.waitingOn) expect(hanging.error).toMatch(source.waitingOn);
      expect(filesUnder(join(backups, 'hanging'))).toEqual([]);
      // The target really got to its hanging source (so the timeout, not an early failure, ended it) ...
      const started = dockerCalls(dockerLog).filter((c) => c.argv.includes('hanging'));
      if (source.hangingReached) expect(source.hangingReached(), 'the run reached the hanging server').toBe(true);
      else expect(started.length, 'the hanging process was started').toBeGreaterThan(0);
      // ... and whatever it started, which never ends by itself, is gone once the run has ended (killed at the timeout).
      for (const call of started) expect(alive(call.pid), `pid ${call.pid} (${call.argv.join(' ')})`).toBe(false);
    });

    check('secrets', 'no secret in output, log, manifest, files, argv or a foreign child environment', () => {
      const secret = source.secret!;
      const log = readFileSync(join(dir, 'snapshotter.log'), 'utf8');
      for (const [where, text] of [
        ['dry-run output', dry.stdout + dry.stderr],
        ['run output', run.stdout + run.stderr],
        ['log file', log],
      ] as const) {
        expect(text.includes(secret), where).toBe(false);
      }
      for (const file of filesUnder(backups)) expect(readFileSync(join(backups, file)).includes(secret), file).toBe(false);
      const calls = dockerCalls(dockerLog);
      if (source.childEnv) expect(calls.length, 'the docker stand-in saw the good target').toBeGreaterThan(0);
      for (const call of calls) {
        expect(call.argv.join(' ')).not.toContain(secret);
        const foreign = (call.env_names ?? []).filter((n) => !isBaseVariable(n) && !(source.childEnv ?? []).includes(n));
        expect(foreign, 'variables a child got that are not its own').toEqual([]);
      }
    });

    const archive = (): string => join(backups, 'good', result('good').artifact!);

    check('archive', 'the archive passes sha256sum -c and snapshotter verify', async () => {
      await execa('sha256sum', ['-c', `${basename(archive())}.sha256`], { cwd: join(backups, 'good') });
      const verified = await mainInProcess(['verify', archive()]);
      expect(verified.exitCode, verified.stdout + verified.stderr).toBe(0);
    });

    check('truncated', 'verify catches a truncated archive even with a matching checksum', async () => {
      const copy = join(tmpDir('snapshotter-conformance-cut-'), basename(archive()));
      cpSync(archive(), copy);
      truncateSync(copy, Math.floor(statSync(copy).size / 2));
      const sha = createHash('sha256').update(readFileSync(copy)).digest('hex');
      writeFileSync(`${copy}.sha256`, `${sha}  ${basename(copy)}\n`);
      const verified = await mainInProcess(['verify', copy]);
      expect(verified.exitCode, verified.stdout).not.toBe(0);
    });

    check('restore', 'restore round-trips', async () => {
      await source.roundTrip!(archive(), tmpDir('snapshotter-conformance-restore-'));
    });
  });
}
