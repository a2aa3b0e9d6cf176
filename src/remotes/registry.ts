// The one place that maps a remote `type` to its schema and (loaded on first use) its implementation, so a run
// without remotes never loads an object-storage SDK. Adding a remote type: its folder plus one line in each map.
import * as z from 'zod';
import { S3_SECRETS, S3Remote } from './s3/schema.js';
import type { RemoteStore, StoreContext } from './types.js';

export const RemoteConfig = z.discriminatedUnion('type', [S3Remote], {
  error: (issue) => (issue.code === 'invalid_union' ? 'unknown remote type (one of s3)' : undefined),
});
export type RemoteConfig = z.infer<typeof RemoteConfig>;

/** Each remote type's secret keys (relative to the remote), for config loading and masking. */
export const remoteSecrets: Readonly<Record<string, readonly string[]>> = {
  s3: S3_SECRETS,
};

const loaders = {
  s3: async () => {
    const { openS3Store, loadSdk } = await import('./s3/index.js');
    return { open: openS3Store, preload: loadSdk };
  },
} as const;

/** Opens the store of a remote (its SDK loaded now, unless `preloadStores` already did). */
export async function openStore(config: RemoteConfig, ctx: StoreContext): Promise<RemoteStore> {
  const { open } = await loaders[config.type]();
  return open(config, ctx);
}

/**
 * Starts loading these remotes' SDKs without waiting (a run does it while its backups are made: the S3 SDK takes
 * 0.3–1 s to load). A failure here is ignored: `openStore` loads again and reports it where the copy fails.
 */
export function preloadStores(configs: readonly RemoteConfig[]): void {
  for (const type of new Set(configs.map((c) => c.type))) {
    void loaders[type]()
      .then(({ preload }) => preload())
      .catch(() => undefined);
  }
}
