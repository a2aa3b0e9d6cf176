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

function seconds(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 10) / 100;
}

/** Backs up one target and returns its result; retention is the caller's (it runs only after a success). */
export async function runTarget(run: RunContext, target: TargetConfig): Promise<TargetResult> {
  const started = run.now();
  const logger = run.logger.child({ target: target.name, type: target.type });
  const warnings: Warning[] = [];
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new TargetTimeoutError(`timed out after ${formatDuration(target.timeout)}`)),
    target.timeout,
  );
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
        compressionLevel: target.compression_level,
        verifyAfterWrite: target.verify_after_write,
        now: run.now,
        redact: (text) => run.redactor.redact(text),
        signal,
        onProgress: progress ? (p) => progress.update(p) : undefined,
      }),
      warn: (code, message) => {
        const clean = run.redactor.redact(message);
        warnings.push({ code, message: clean });
        logger.warn({ code }, clean);
      },
    };
    const outcome = await module.backup(ctx, target);
    if (spec.storage === 'archive') {
      await checkSizeDrop({
        targetDir,
        target: target.name,
        minRatio: target.min_size_ratio,
        artifact: outcome.artifact,
        size_bytes: outcome.size_bytes,
        warn: (code, message) => ctx.warn(code, message),
        logger,
      });
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
          : errorMessage(error),
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
