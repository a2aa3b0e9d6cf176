// The contract between the orchestrator and a target type. A target module owns its schema (with its secret keys,
// path keys and archive formats), its dry-run plan, its backup, its archives' content check and its restore; the
// orchestrator owns locking, timeouts, retention of local archives, the report. The spec half (schema.ts) loads
// eagerly for config validation; the implementation (index.ts) loads only when a config uses the type.
import type { z } from 'zod';
import type { CheckOptions, ContentCheck } from '../archive/content-check.js';
import type { AgeIdentity } from '../archive/decrypt.js';
import type { Manifest } from '../archive/manifest.js';
import type { ArchiveExt } from '../archive/names.js';
import type { ArchiveWriter } from '../archive/sink.js';
import type { TargetBase } from '../config/common.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../util/redact.js';

export interface PlanContext {
  target: string;
  hostname: string;
  backupDir: string;
  targetDir: string;
  /** The run's lock file (a backup leaves it out like the backup folder); absent outside a run. */
  lockFile?: string;
  logger: Logger;
  signal: AbortSignal;
  now: () => Date;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
}

export interface TargetContext extends PlanContext {
  /** Writes this target's archives (local targets). */
  archive: ArchiveWriter;
  /** Records a warning in the result and the log. */
  warn(code: string, message: string): void;
  /**
   * Says what the target waits on now (`<dump program> in container db`, `snapshot action 123 of web-1 to finish`):
   * a timeout names it.
   */
  step(waitingOn: string): void;
}

/** What a dry run shows for a target: the steps it would take, and problems that would make it fail. */
export interface Plan {
  steps: string[];
  problems: string[];
}

export interface BackupOutcome {
  /** The archive file name or the snapshot name. */
  artifact: string;
  size_bytes: number | null;
  sha256: string | null;
  /** Snapshots a cloud target deleted by its own retention. */
  deleted?: string[];
  details?: Record<string, unknown>;
}

/** A backup kept outside the backup folder (a provider snapshot), for `list`, `status` and retention. */
export interface RemoteBackup {
  name: string;
  id: string;
  time: Date;
  size_bytes: number | null;
  state: string;
}

/** The `restore --target` options a type may take (it lists them in `restoreOptions`): which part, how, where. */
export interface RestoreRequest {
  /** `--database NAME`: the one database to restore from an archive that holds several. */
  database?: string | undefined;
  /** `--jobs N`: parallel restore jobs. */
  jobs?: number | undefined;
  /** `--host H` / `--port P` / `--user U`: restore into another server than the target's own. */
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
}

/** What `snapshotter restore ARCHIVE --target NAME` hands a target that can restore its own archives. */
export interface RestoreContext {
  /** The restore options given on the command line (only those the type lists in `restoreOptions`). */
  request?: RestoreRequest;
  target: string;
  logger: Logger;
  signal: AbortSignal;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * A verified archive handed to a restore: its path, its ext (without `.age`) and the format token the ext starts
 * with; `identity` is set when it is age-encrypted (read it through `plainStages`).
 */
export interface ArchiveRef {
  path: string;
  ext: ArchiveExt;
  format: string;
  identity?: AgeIdentity | undefined;
  /** Its manifest, as read after the archive was verified. */
  manifest?: Manifest | undefined;
}

/** What `snapshotter restore ARCHIVE --to DIR` hands a type whose archives are not a tar of files. */
export interface RestoreToContext {
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Replace files that exist in DIR (`--force`). */
  force: boolean;
}

/** The eager half of a target type, declared next to its schema: what config loading and masking need. */
export interface TargetSpec<C extends TargetBase> {
  type: C['type'];
  schema: z.ZodType<C>;
  /** `archive`: local archives that the orchestrator's retention prunes; `cloud`: provider snapshots the target prunes. */
  storage: 'archive' | 'cloud';
  /**
   * Keys of this type whose values are secrets, relative to the target (`password`, `basic_auth.password`,
   * `headers.*`): masked everywhere and accepted as `<key>_file`.
   */
  secrets: readonly string[];
  /** Keys holding file paths (a string or a list of them): relative ones are read from the config file's folder. */
  paths: readonly string[];
  /** The archive formats it writes (`tar`, `sql`, `db`, `rdb`): an archive's ext starts with one. Empty for cloud. */
  formats: readonly string[];
}

/** Identity helper for a schema.ts's spec. */
export function defineSpec<C extends TargetBase>(spec: TargetSpec<C>): TargetSpec<C> {
  return spec;
}

export interface TargetModule<C extends TargetBase> extends TargetSpec<C> {
  plan(ctx: PlanContext, config: C): Promise<Plan>;
  backup(ctx: TargetContext, config: C): Promise<BackupOutcome>;
  /** Cloud targets: the snapshots this target made (read-only; allowed in a dry run). */
  listRemote?(ctx: PlanContext, config: C): Promise<RemoteBackup[]>;
  /** The content check of one of its formats, for verify-after-write and `snapshotter verify`. */
  check?(format: string, env: NodeJS.ProcessEnv, options?: CheckOptions): ContentCheck;
  /** The `restore --target` options this type takes; any other one given is a usage error. */
  restoreOptions?: readonly (keyof RestoreRequest)[];
  /** Feeds a verified archive back into its source (`restore --target NAME`); absent where that makes no sense. */
  restore?(ctx: RestoreContext, config: C, archive: ArchiveRef): Promise<void>;
  /**
   * `restore ARCHIVE --to DIR` for archives that are not a tar of files (a database file): writes into DIR and
   * returns what it wrote. Absent: tar archives are extracted by the shared restore.
   */
  restoreTo?(ctx: RestoreToContext, archive: ArchiveRef, dir: string): Promise<string[]>;
}

/** Identity helper that keeps a target's config type attached to its module. */
export function defineTarget<C extends TargetBase>(module: TargetModule<C>): TargetModule<C> {
  return module;
}
