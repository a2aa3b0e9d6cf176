// `snapshotter restore`: ARCHIVE (or --latest --target NAME) either extracted into --to DIR, or with --target NAME
// alone handed to the target type that feeds it back into its source. Always verified first.
import { join } from 'node:path';
import { openSession, selectTargets, type GlobalOptions, type Io, type Session } from '../app.js';
import { readCatalog } from '../archive/catalog.js';
import { archiveKind } from '../archive/names.js';
import { InterruptedError } from '../orchestrator/run.js';
import { DEFAULT_MAX_RATIO, type RestoreLimits } from '../restore/limits.js';
import { progressLine } from '../restore/progress.js';
import { restoreArchive, RestoreError } from '../restore/restore-archive.js';
import { EXIT } from '../report.js';
import { loadTarget, registryChecks, targetSpec, type TargetConfig } from '../targets/registry.js';
import { parseSize } from '../util/duration.js';
import { ConfigError, errorMessage, UsageError } from '../util/errors.js';
import { Redactor } from '../util/redact.js';
import type { RestoreRequest } from '../targets/types.js';
import { restoreFileInto } from './restore-file.js';
import { formatAction, formatSummary, prometheusReminder } from './restore-output.js';
import { restoreIntoTarget, terminalConfirm } from './restore-target.js';
import { interruptOnSignals } from './signals.js';
import { identityFrom, withoutIdentity } from './identity.js';
import { isFutureDated } from '../retention/future.js';

export interface RestoreOptions extends GlobalOptions {
  to?: string;
  target?: string;
  latest?: boolean;
  force?: boolean;
  path?: string[];
  dryRun?: boolean;
  yes?: boolean;
  maxSize?: string;
  maxRatio?: string;
  identity?: string;
  remote?: string;
  database?: string;
  jobs?: string;
  host?: string;
  port?: string;
  user?: string;
}

/** `--database/--jobs/--host/--port/--user` as the target type's restore takes them. */
function requestFrom(o: RestoreOptions): RestoreRequest {
  const count = (flag: string, value: string | undefined, max: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`${flag} ${value}: a whole number from 1 to ${max}`);
    return n;
  };
  for (const [flag, value] of [
    ['--database', o.database],
    ['--host', o.host],
    ['--user', o.user],
  ] as const) {
    if (value !== undefined && !/^[^-\s]/.test(value))
      throw new UsageError(`${flag} ${value}: must not start with "-" or a space`);
  }
  return {
    database: o.database,
    jobs: count('--jobs', o.jobs, 64),
    host: o.host,
    port: count('--port', o.port, 65535),
    user: o.user,
  };
}

/** Rejects option combinations that do not say one clear thing. */
function checkUsage(archive: string | undefined, o: RestoreOptions): void {
  if (archive && o.latest) throw new UsageError('give an ARCHIVE path or --latest, not both');
  if (!archive && !o.latest) throw new UsageError('give an ARCHIVE path, or --latest --target NAME');
  if (o.latest && !o.target) throw new UsageError('--latest needs --target NAME (the target whose newest backup to restore)');
  if (archive && o.target && o.to) {
    throw new UsageError('choose --to DIR (extract the archive) or --target NAME (feed it back into the target), not both');
  }
  if (!o.to && !o.target) throw new UsageError('say where to restore: --to DIR (extract into a folder) or --target NAME');
  if (!o.to && (o.force || (o.path?.length ?? 0) > 0)) throw new UsageError('--force and --path apply to --to DIR');
  const request = [o.database, o.jobs, o.host, o.port, o.user].some((v) => v !== undefined);
  if (request && o.to)
    throw new UsageError('--database, --jobs, --host, --port and --user apply to --target NAME (without --to)');
}

function limitsFrom(o: RestoreOptions): { maxSize: number | undefined; maxRatio: number } {
  const maxSize = o.maxSize === undefined ? undefined : parseSize(o.maxSize);
  if (maxSize === 0 || (o.maxSize !== undefined && maxSize === undefined)) {
    throw new UsageError(`--max-size ${o.maxSize}: write a size like 500m, 20g or 2t`);
  }
  const maxRatio = o.maxRatio === undefined ? DEFAULT_MAX_RATIO : Number(o.maxRatio);
  if (!Number.isFinite(maxRatio) || maxRatio < 0)
    throw new UsageError(`--max-ratio ${o.maxRatio}: a number, 0 to turn the check off`);
  return { maxSize, maxRatio };
}

/** The newest complete backup of a target with local archives; a future-dated one never counts as the newest. */
async function latestArchive(session: Session, target: TargetConfig): Promise<string> {
  if (targetSpec(target).storage !== 'archive') {
    throw new UsageError(
      `target "${target.name}" (type ${target.type}) keeps provider snapshots, not archives; restore those with the provider`,
    );
  }
  const dir = join(session.config.backup_dir, target.name);
  const now = new Date();
  const newest = (await readCatalog(dir, target.name)).complete.find((b) => !isFutureDated(b.time, now));
  if (!newest) throw new RestoreError(`target "${target.name}" has no complete backup in ${dir}`);
  return newest.path;
}

async function intoFolder(archive: string, o: RestoreOptions & { to: string }, io: Io, signal: AbortSignal): Promise<number> {
  const limits = limitsFrom(o);
  const format = archiveKind(archive)?.format;
  if (format !== undefined && format !== 'tar') {
    const fileLimits = { maxSize: limits.maxSize ?? Number.MAX_SAFE_INTEGER, maxRatio: limits.maxRatio };
    const flags = { force: o.force === true, dryRun: o.dryRun === true, json: o.json === true, limits: fileLimits };
    const identity = await identityFrom(o.identity, io.env);
    return restoreFileInto(archive, { ...flags, to: o.to, identity }, io, signal);
  }
  const stdout = io.stdout;
  if (o.dryRun && !o.json) stdout.write('DRY RUN: nothing is written. Verifying, then listing what would be restored:\n');
  const result = await restoreArchive({
    archive,
    to: o.to,
    force: o.force === true,
    paths: o.path ?? [],
    dryRun: o.dryRun === true,
    maxSize: limits.maxSize,
    maxRatio: limits.maxRatio,
    signal,
    progress: progressLine(io.stderr),
    identity: await identityFrom(o.identity, io.env),
    onAction: o.dryRun && !o.json ? (action, size) => stdout.write(formatAction(o.to, action, size) + '\n') : undefined,
  });
  for (const skip of result.skipped) io.stderr.write(`skipped ${JSON.stringify(skip.entry)}: ${skip.reason}\n`);
  if (o.json) {
    const json = {
      archive: result.archive,
      to: result.to,
      dry_run: result.dryRun,
      target: result.manifest.target,
      sha256: result.sha256,
      compressed_bytes: result.compressed,
      uncompressed_bytes: result.inflated,
      entries: result.entries,
      content_bytes: result.bytes,
      skipped: result.skipped,
      tsdb_dirs: result.tsdbDirs,
      reminder: prometheusReminder(result) ?? null,
    };
    stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else stdout.write(formatSummary(result));
  return EXIT.ok;
}

async function intoTarget(
  archive: string,
  target: TargetConfig,
  o: RestoreOptions,
  session: Session,
  io: Io,
  signal: AbortSignal,
): Promise<number> {
  const { maxSize, maxRatio } = limitsFrom(o);
  const limits: RestoreLimits = { maxSize: maxSize ?? Number.MAX_SAFE_INTEGER, maxRatio };
  const ctx = {
    target: target.name,
    logger: session.log.logger,
    signal,
    redactor: session.redactor,
    env: withoutIdentity(io.env),
    stdout: io.stdout,
    stderr: io.stderr,
    request: requestFrom(o),
  };
  const message = await restoreIntoTarget(ctx, await loadTarget(target), target, archive, {
    checks: registryChecks(io.env),
    yes: o.yes === true,
    dryRun: o.dryRun === true,
    limits,
    progress: progressLine(io.stderr),
    confirm: terminalConfirm(process.stdin, io.stderr),
    identity: await identityFrom(o.identity, io.env),
  });
  io.stdout.write(message + '\n');
  return EXIT.ok;
}

async function dispatch(
  archiveArg: string | undefined,
  o: RestoreOptions,
  io: Io,
  signal: AbortSignal,
  redactor: { current: Redactor },
): Promise<number> {
  if (!o.target && !o.remote) return intoFolder(archiveArg!, { ...o, to: o.to! }, io, signal);
  const session = await openSession(o, io);
  redactor.current = session.redactor;
  if (o.remote) {
    if (o.target) selectTargets(session.config.targets, [o.target]);
    const { stageRemote } = await import('./remote-restore.js');
    const staged = await stageRemote(session, o.remote, archiveArg, o.target, signal).catch(async (error: unknown) => {
      await session.log.close();
      throw error;
    });
    try {
      if (o.to) return await intoFolder(staged.path, { ...o, to: o.to }, io, signal);
      return await intoTarget(staged.path, staged.target, o, session, io, signal);
    } finally {
      await staged.cleanup();
      await session.log.close();
    }
  }
  try {
    const [target] = selectTargets(session.config.targets, [o.target!]);
    const archive = archiveArg ?? (await latestArchive(session, target!));
    if (o.to) return await intoFolder(archive, { ...o, to: o.to }, io, signal);
    return await intoTarget(archive, target!, o, session, io, signal);
  } finally {
    await session.log.close();
  }
}

export async function restoreCommand(archive: string | undefined, options: RestoreOptions, io: Io): Promise<number> {
  checkUsage(archive, options);
  const interrupt = interruptOnSignals();
  const redactor = { current: new Redactor() };
  try {
    return await dispatch(archive, options, io, interrupt.signal, redactor);
  } catch (error) {
    const reason: unknown = interrupt.signal.reason;
    if (reason instanceof InterruptedError) {
      io.stderr.write(`snapshotter: restore ${reason.message}; partial files removed\n`);
      return reason.signalName === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
    }
    if (error instanceof UsageError || error instanceof ConfigError) throw error;
    io.stderr.write(`snapshotter: restore failed: ${redactor.current.redact(errorMessage(error))}\n`);
    return EXIT.failure;
  } finally {
    interrupt.dispose();
  }
}
