// Runs one target in isolation: its own abort signal (run interruption or its timeout), its own folder,
// its warnings; whatever it throws becomes a failed TargetResult, never an exception for the orchestrator.
import { join } from 'node:path';
import { ensureDir } from '../archive/atomic.js';
import { ArchiveWriter } from '../archive/sink.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { TargetProgress } from '../progress/display.js';
import type { TargetResult, Warning } from '../report.js';
import { loadTarget, targetSpec, type TargetConfig } from '../targets/registry.js';
import type { TargetContext } from '../targets/types.js';
import { formatDuration } from '../util/duration.js';
import { errorMessage } from '../util/errors.js';
import type { Redactor } from '../util/redact.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { withHooks } from '../hooks/around.js';
import type { HookScope } from '../hooks/run-hook.js';
import { checkSizeDrop } from './size-drop.js';

export interface RunContext {
  config: Config;
  logger: Logger;
  redactor: Redactor;
  now: () => Date;
  env: NodeJS.ProcessEnv;
  /** Aborted when the run is interrupted (SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** Live progress of a running target on a terminal (absent under cron and with --json). */
  progress?: ((target: string) => TargetProgress) | undefined;
}

export class TargetTimeoutError extends Error {
  override readonly name = 'TargetTimeoutError';
}

/** Where the hooks of the run (or, with its own `hook_timeout`, of one target) run. */
export function hookScope(run: RunContext, timeoutMs = run.config.hook_timeout): HookScope {
  return { logger: run.logger, redactor: run.redactor, env: run.env, now: run.now, signal: run.signal, timeoutMs };
}

/** `on_warning: fail` and the backup warned: the target fails and keeps nothing of this backup. */
export class WarnedBackupError extends Error {
  override readonly name = 'WarnedBackupError';

  constructor(warnings: readonly Warning[]) {
    const codes = [...new Set(warnings.map((w) => w.code))].join(', ');
    super(`on_warning: fail and the backup warned (${codes}): ${warnings[0]?.message ?? ''}; nothing was kept`);
  }
}

function seconds(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 10) / 100;
}

/** A full disk names the folder it filled; other errors say where themselves. */
function withPlace(error: unknown, dir: string): string {
  const message = errorMessage(error);
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC' && !message.includes(dir)
    ? `${message} (writing into ${dir})`
    : message;
}

/** Backs up one target inside its hooks and returns its result; retention is the caller's (only after a success). */
export async function runTarget(run: RunContext, target: TargetConfig): Promise<TargetResult> {
  const targetDir = join(run.config.backup_dir, target.name);
  const storage = targetSpec(target).storage;
  const scope = { ...hookScope(run, target.hook_timeout), logger: run.logger.child({ target: target.name, type: target.type }) };
  const subject = { target: target.name, type: target.type, hostname: run.config.hostname };
  const { value, hooks, failedLater } = await withHooks(scope, subject, target.hooks, {
    work: () => backupTarget(run, target),
    skipped: (error) => skippedResult(run, target, error),
    outcome: (result) => ({
      status: result.status,
      archive: storage === 'archive' && result.artifact ? join(targetDir, result.artifact) : '',
    }),
  });
  for (const hook of failedLater) value.warnings.push({ code: 'hook_failed', message: hook.error ?? 'hook failed' });
  return { ...value, hooks };
}

/** A target whose `before` hook failed: its backup never started. */
function skippedResult(run: RunContext, target: TargetConfig, error: string): TargetResult {
  const at = run.now().toISOString();
  run.logger.error({ target: target.name, error }, 'backup skipped: a before hook failed');
  return {
    name: target.name,
    type: target.type,
    status: 'failure',
    artifact: null,
    size_bytes: null,
    sha256: null,
    started_at: at,
    finished_at: at,
    duration_seconds: 0,
    error,
    deleted: [],
    warnings: [],
    details: {},
  };
}

/** Backs up one target and returns its result. */
async function backupTarget(run: RunContext, target: TargetConfig): Promise<TargetResult> {
  const started = run.now();
  const logger = run.logger.child({ target: target.name, type: target.type });
  const warnings: Warning[] = [];
  const timeout = new AbortController();
  let waitingOn: string | undefined;
  const timer = setTimeout(() => {
    const what = waitingOn === undefined ? '' : ` waiting for ${waitingOn}`;
    timeout.abort(new TargetTimeoutError(`timed out after ${formatDuration(target.timeout)}${what}`));
  }, target.timeout);
  timer.unref();
  const signal = AbortSignal.any([run.signal, timeout.signal]);
  const targetDir = join(run.config.backup_dir, target.name);
  const spec = targetSpec(target);
  const base = {
    name: target.name,
    type: target.type,
    started_at: started.toISOString(),
    deleted: [] as string[],
    warnings,
  };
  logger.info('backup started');
  const progress = run.progress?.(target.name);
  try {
    const module = await loadTarget(target);
    if (spec.storage === 'archive') await ensureDir(targetDir);
    const ctx: TargetContext = {
      target: target.name,
      hostname: run.config.hostname,
      backupDir: run.config.backup_dir,
      targetDir,
      lockFile: run.config.lock_file,
      logger,
      signal,
      now: run.now,
      redactor: run.redactor,
      env: run.env,
      archive: new ArchiveWriter({
        dir: targetDir,
        target: target.name,
        type: target.type,
        hostname: run.config.hostname,
        toolName: TOOL_NAME,
        toolVersion: TOOL_VERSION,
        compression: target.compression,
        compressionLevel: target.compression_level,
        verifyAfterWrite: target.verify_after_write,
        now: run.now,
        redact: (text) => run.redactor.redact(text),
        warnings: () => warnings,
        beforeCommit: async (archive) => {
          await checkSizeDrop({
            targetDir,
            target: target.name,
            minRatio: target.min_size_ratio,
            artifact: archive.name,
            size_bytes: archive.size_bytes,
            warn: (code, message) => ctx.warn(code, message),
            now: run.now,
            logger,
          });
          const all = [...warnings, ...archive.warnings];
          if (target.on_warning === 'fail' && all.length > 0) throw new WarnedBackupError(all);
        },
        signal,
        onProgress: progress ? (p) => progress.update(p) : undefined,
        encryption: target.encryption,
      }),
      warn: (code, message) => {
        const clean = run.redactor.redact(message);
        warnings.push({ code, message: clean });
        logger.warn({ code }, clean);
      },
      step: (what) => {
        waitingOn = what;
      },
    };
    const outcome = await module.backup(ctx, target);
    if (target.on_warning === 'fail' && warnings.length > 0) {
      // A warning after the commit (a cleanup step): the backup goes too, so a failed target leaves nothing.
      if (spec.storage === 'archive') await ctx.archive.discard(outcome.artifact);
      throw new WarnedBackupError(warnings);
    }
    const finished = run.now();
    logger.info(
      { artifact: outcome.artifact, size_bytes: outcome.size_bytes, duration_seconds: seconds(started, finished) },
      'backup succeeded',
    );
    return {
      ...base,
      status: 'success',
      artifact: outcome.artifact,
      size_bytes: outcome.size_bytes,
      sha256: outcome.sha256,
      finished_at: finished.toISOString(),
      duration_seconds: seconds(started, finished),
      error: null,
      deleted: outcome.deleted ?? [],
      details: outcome.details ?? {},
    };
  } catch (error) {
    const finished = run.now();
    const reason: unknown = signal.aborted ? signal.reason : error;
    const message = run.redactor.redact(
      reason instanceof TargetTimeoutError
        ? reason.message
        : run.signal.aborted
          ? `interrupted (${errorMessage(run.signal.reason)})`
          : withPlace(error, targetDir),
    );
    logger.error({ error: message }, 'backup failed');
    return {
      ...base,
      status: 'failure',
      artifact: null,
      size_bytes: null,
      sha256: null,
      finished_at: finished.toISOString(),
      duration_seconds: seconds(started, finished),
      error: message,
      details: {},
    };
  } finally {
    progress?.end();
    clearTimeout(timer);
  }
}
