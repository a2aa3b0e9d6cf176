// Where snapshots are read and removed: a data dir on this host, or one inside a container (`docker cp`/`exec`).
import type { Readable } from 'node:stream';
import { dockerCopy, dockerRemove } from './docker.js';
import { packSnapshot, removeSnapshot, snapshotPath, waitForSnapshot } from './host.js';
import { dataDirOf, type PrometheusTarget } from './schema.js';

/** The uncompressed tar of one snapshot, and what is known once it has been read. */
export interface SnapshotSource {
  stream: Readable;
  /** After the stream ended: throws when the producer failed. */
  finish(): Promise<{ entries: number | null; blocks: number | null }>;
  /** Stops the producer after a failure downstream. */
  abort(): void;
}

export interface SnapshotStore {
  dataDir: string;
  container: string | undefined;
  /** The snapshot folder as an operator would name it (`container:/path` in container mode). */
  where(name: string): string;
  /** Waits until the snapshot is readable; false when it did not appear in time. */
  wait(name: string, signal: AbortSignal): Promise<boolean>;
  open(name: string, signal: AbortSignal): SnapshotSource;
  /** Removes the snapshot; false when there was none at that path (nothing removed). */
  remove(name: string): Promise<boolean>;
}

/** The store this config describes. */
export function storeFor(config: PrometheusTarget, env: NodeJS.ProcessEnv): SnapshotStore {
  return locatedStore(dataDirOf(config), config.container, config.docker_command, config.snapshot_wait, env);
}

/** A store for a given location (the recorded one of a leftover snapshot, or the configured one). */
export function locatedStore(
  dataDir: string,
  container: string | undefined,
  dockerCommand: string,
  waitMs: number,
  env: NodeJS.ProcessEnv,
): SnapshotStore {
  if (container === undefined) {
    return {
      dataDir,
      container,
      where: (name) => snapshotPath(dataDir, name),
      wait: (name, signal) => waitForSnapshot(snapshotPath(dataDir, name), waitMs, signal),
      open: (name) => packSnapshot(dataDir, name),
      remove: (name) => removeSnapshot(snapshotPath(dataDir, name)),
    };
  }
  const docker = { command: dockerCommand, container, env };
  return {
    dataDir,
    container,
    where: (name) => `${container}:${snapshotPath(dataDir, name)}`,
    // Prometheus writes the snapshot inside the container before it answers; `docker cp` reports a missing one.
    wait: () => Promise.resolve(true),
    open: (name, signal) => dockerCopy(docker, snapshotPath(dataDir, name), signal),
    // `rm -rf` in the container cannot tell a missing folder from a removed one.
    remove: async (name) => {
      await dockerRemove(docker, snapshotPath(dataDir, name));
      return true;
    },
  };
}
