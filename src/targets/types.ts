// The contract between the orchestrator and a target type. A target module owns its schema, its dry-run plan and
// its backup; the orchestrator owns locking, timeouts, retention of local archives, the report.
import type { z } from 'zod';
import type { AgeIdentity } from '../archive/decrypt.js';
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

/** A verified archive to restore; `identity` is set when it is age-encrypted (decrypt with AgeDecrypt). */
export interface RestoreArchive {
  path: string;
  ext: ArchiveExt;
  identity?: AgeIdentity | undefined;
}

/** What `snapshotter restore ARCHIVE --target NAME` hands a target that can restore its own archives. */
export interface RestoreContext {
  target: string;
  logger: Logger;
  signal: AbortSignal;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface TargetModule<C extends TargetBase> {
  type: C['type'];
  schema: z.ZodType<C>;
  /** `archive`: local archives that the orchestrator's retention prunes; `cloud`: provider snapshots the target prunes. */
  storage: 'archive' | 'cloud';
  plan(ctx: PlanContext, config: C): Promise<Plan>;
  backup(ctx: TargetContext, config: C): Promise<BackupOutcome>;
  /** Cloud targets: the snapshots this target made (read-only; allowed in a dry run). */
  listRemote?(ctx: PlanContext, config: C): Promise<RemoteBackup[]>;
  /** Feeds a verified archive back into its source (postgres); absent where restore is `--to DIR` extraction. */
  restore?(ctx: RestoreContext, config: C, archive: RestoreArchive): Promise<void>;
}

/** Identity helper that keeps a target's config type attached to its module. */
export function defineTarget<C extends TargetBase>(module: TargetModule<C>): TargetModule<C> {
  return module;
}
