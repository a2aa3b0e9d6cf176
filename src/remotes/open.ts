// Commands that work on one remote (`--remote NAME`): find it in the config, open its store, close it after.
import type { Config } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import { UsageError } from '../util/errors.js';
import { openStore, type RemoteConfig } from './registry.js';
import type { RemoteStore } from './types.js';

/** The remote named on the command line, or a usage error that lists the configured ones. */
export function remoteNamed(config: Config, name: string): RemoteConfig {
  const remote = config.remotes.find((r) => r.name === name);
  if (remote) return remote;
  const known = config.remotes.map((r) => r.name).join(', ') || 'none';
  throw new UsageError(`unknown remote "${name}" (configured: ${known})`);
}

/** Runs `work` with the named remote's store open. */
export async function withRemote<T>(
  config: Config,
  name: string,
  ctx: { logger: Logger; signal: AbortSignal },
  work: (store: RemoteStore, remote: RemoteConfig) => Promise<T>,
): Promise<T> {
  const remote = remoteNamed(config, name);
  const store = await openStore(remote, { logger: ctx.logger.child({ remote: remote.name }), signal: ctx.signal });
  try {
    return await work(store, remote);
  } finally {
    store.close();
  }
}
