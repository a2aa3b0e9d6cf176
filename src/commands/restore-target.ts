// `restore ARCHIVE --target NAME`: hands a verified archive to the target type that can feed it back into its
// source (postgres). Restoring overwrites live data, so it asks first — or needs --yes where nobody can answer.
import { createInterface } from 'node:readline/promises';
import { basename } from 'node:path';
import type { ContentCheckResolver } from '../archive/content-check.js';
import type { AgeIdentity } from '../archive/decrypt.js';
import { archiveKind } from '../archive/names.js';
import type { TargetBase } from '../config/common.js';
import type { RestoreLimits } from '../restore/limits.js';
import { readManifestOf, RestoreError, verifyWithinLimits } from '../restore/restore-archive.js';
import type { ProgressLine } from '../restore/progress.js';
import type { ArchiveRef, RestoreContext, RestoreRequest, TargetModule } from '../targets/types.js';
import { UsageError } from '../util/errors.js';

export interface TargetRestoreOptions {
  yes: boolean;
  dryRun: boolean;
  limits: RestoreLimits;
  progress: ProgressLine;
  /** Asks the person at the terminal; undefined when stdin is not a terminal. */
  confirm: ((question: string) => Promise<boolean>) | undefined;
  /** The target types' content checks, for the verification before restoring. */
  checks?: ContentCheckResolver;
  /** The age identity for an encrypted archive. */
  identity?: AgeIdentity | undefined;
}

/** A yes/no question on the terminal (stdin/stderr); undefined when stdin is not a TTY. */
export function terminalConfirm(stdin: NodeJS.ReadStream, stderr: NodeJS.WritableStream): TargetRestoreOptions['confirm'] {
  if (!stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: stdin, output: stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}

/** The archive's path, ext (without `.age`), format and whether it is encrypted, from its name. */
export function archiveRef(path: string): ArchiveRef & { encrypted: boolean } {
  const kind = archiveKind(path);
  if (!kind) throw new UsageError(`${path}: not an archive name (<target>-<YYYYMMDDTHHMMSSZ>.<format>[.gz|.zst][.age])`);
  return { path, ext: kind.ext, format: kind.format, encrypted: kind.encrypted };
}

/** Verifies, checks the archive belongs to this kind of target, confirms, then calls the module's restore. */
export async function restoreIntoTarget(
  ctx: RestoreContext,
  module: TargetModule<TargetBase>,
  config: TargetBase,
  archive: string,
  options: TargetRestoreOptions,
): Promise<string> {
  if (!module.restore) {
    throw new UsageError(
      `target "${config.name}" (type ${config.type}) cannot restore into its source: extract its archive with --to DIR`,
    );
  }
  const unsupported = Object.entries(ctx.request ?? {})
    .filter(([key, value]) => value !== undefined && !(module.restoreOptions ?? []).includes(key as keyof RestoreRequest))
    .map(([key]) => `--${key}`);
  if (unsupported.length > 0) {
    throw new UsageError(`${unsupported.join(', ')}: not an option for restoring a ${config.type} target`);
  }
  const { encrypted, ...ref } = archiveRef(archive);
  const what = `${basename(archive)} into target "${config.name}" (${config.type})`;
  if (!options.yes && !options.dryRun && !options.confirm) {
    throw new UsageError(`restoring ${what} overwrites its data: pass --yes to confirm (stdin is not a terminal)`);
  }
  const identity = encrypted ? options.identity : undefined;
  await verifyWithinLimits(archive, options.limits, {
    signal: ctx.signal,
    progress: options.progress,
    checks: options.checks,
    identity,
  });
  const manifest = await readManifestOf(archive);
  if (!manifest) throw new RestoreError(`${archive}: the manifest changed during verification`);
  if (manifest.target.type !== config.type) {
    throw new RestoreError(
      `${basename(archive)} was made by a ${manifest.target.type} target; target "${config.name}" is ${config.type}`,
    );
  }
  if (manifest.target.name !== config.name) {
    ctx.logger.warn({ archive, from: manifest.target.name, into: config.name }, 'restoring a backup of another target');
  }
  if (options.dryRun) return `DRY RUN: verified; would restore ${what}`;
  if (!options.yes && options.confirm) {
    if (!(await options.confirm(`Restore ${what}? This overwrites its current data.`))) {
      throw new RestoreError('restore cancelled; nothing was changed');
    }
  }
  await module.restore(ctx, config, { ...ref, identity, manifest });
  return `restored ${what}`;
}
