// The contract between the remote-agnostic offsite logic (catalog, upload phase, retention, commands) and one kind
// of object storage. A store knows keys and bytes; what a complete backup is, is decided above it.
import type { Readable } from 'node:stream';
import type { Logger } from '../logging/logger.js';

export interface RemoteObject {
  key: string;
  size: number;
}

export interface HeadInfo {
  size: number;
  /** The `sha256` metadata the archive object was uploaded with. */
  sha256: string | undefined;
}

export interface StoreContext {
  logger: Logger;
  signal: AbortSignal;
}

/** A multipart upload started and neither completed nor aborted (a killed run leaves one; its parts are billed). */
export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated: Date;
}

/** Why a remote request stopped: the time the run gives a target's copy ran out (`what` says what it waited on). */
export class RemoteDeadlineError extends Error {
  override readonly name = 'RemoteDeadlineError';
}

/** What deleting an object did: gone, or refused by object lock (kept, locked). */
export type DeleteOutcome = 'deleted' | 'locked';

export interface RemoteStore {
  /** `remote "offsite" (s3 https://host, bucket b)`: how every message names this remote. */
  readonly where: string;
  /** The key prefix every object of this remote lives under (`prefix` of the config). */
  readonly prefix: string;
  /** Every object under a key prefix (all pages). Read-only. */
  list(prefix: string): Promise<RemoteObject[]>;
  /** Size and sha256 metadata of an object, or undefined when it does not exist. Read-only. */
  head(key: string): Promise<HeadInfo | undefined>;
  /** Streams a local file to a key (multipart above the part size), with its sha256 as metadata. */
  putFile(key: string, path: string, size: number, sha256: string): Promise<void>;
  /** Puts a small text object (sidecar, manifest). */
  putText(key: string, text: string): Promise<void>;
  /** The object's bytes as a stream. */
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<DeleteOutcome>;
  /** The multipart uploads in progress under a key prefix (all pages). Read-only. */
  listUploads(prefix: string): Promise<PendingUpload[]>;
  /** Aborts a multipart upload: its parts are dropped. */
  abortUpload(key: string, uploadId: string): Promise<void>;
  close(): void;
}
