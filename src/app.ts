// Composition root: turns CLI options into a loaded config, a logger and a run context. Commands call these.
import { loadConfig, locateConfig, type LoadedConfig } from './config/load.js';
import { createLogger, type LoggerHandle, type LogLevel } from './logging/logger.js';
import type { RunContext } from './orchestrator/run-target.js';
import type { TargetConfig } from './targets/registry.js';
import { READ_COMMAND_DEADLINE_MS, withDeadline } from './util/deadline.js';
import { UsageError } from './util/errors.js';

export interface GlobalOptions {
  config?: string;
  logLevel?: LogLevel;
  json?: boolean;
}

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface Session extends LoadedConfig {
  log: LoggerHandle;
}

/**
 * Loads the config and opens the logger it describes; warnings found while loading are logged. `logFile: false`
 * (a dry run, which writes nothing) leaves the log file and its folder alone.
 */
export async function openSession(options: GlobalOptions, io: Io, open: { logFile?: boolean } = {}): Promise<Session> {
  const loaded = loadConfig(locateConfig(options.config, io.env), io.env);
  const log = await createLogger({
    level: options.logLevel ?? loaded.config.log.level,
    json: options.json === true,
    file:
      loaded.config.log.file && open.logFile !== false
        ? { path: loaded.config.log.file, maxSize: loaded.config.log.max_size, maxFiles: loaded.config.log.max_files }
        : undefined,
    redactor: loaded.redactor,
    stderr: io.stderr,
  });
  for (const warning of loaded.warnings) log.logger.warn(warning);
  return { ...loaded, log };
}

/** The targets named with --target (all when none), or a UsageError naming the unknown ones. */
export function selectTargets(targets: readonly TargetConfig[], names: readonly string[] | undefined): TargetConfig[] {
  if (!names || names.length === 0) return [...targets];
  const unknown = names.filter((n) => !targets.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown target ${unknown.map((n) => `"${n}"`).join(', ')} (configured: ${targets.map((t) => t.name).join(', ')})`,
    );
  }
  return targets.filter((t) => names.includes(t.name));
}

/**
 * The context the orchestrator works in for a command: the session's config and logger, the real clock. Without a
 * signal of its own (list, status, prune) the command gets the read-only commands' overall deadline.
 */
export function runContext(
  session: Session,
  io: Io,
  signal: AbortSignal = withDeadline(READ_COMMAND_DEADLINE_MS, 'the command'),
): RunContext {
  return {
    config: session.config,
    logger: session.log.logger,
    redactor: session.redactor,
    now: () => new Date(),
    env: io.env,
    signal,
  };
}
