// Cloud fixtures for the conformance suite: the stateful provider fakes of tests/cloud/harness on 127.0.0.1 (the
// Prism validation of every request stays in tests/cloud). Two fakes per type: one whose snapshot actions finish,
// one whose actions never do (the hanging source). The failing source is a server the provider does not know.
import type { Check, Source } from './contract.js';

/** Cloud types write no archive: the archive checks do not apply. */
export const CLOUD_OPT_OUT: Partial<Record<Check, string>> = {
  archive: 'a provider snapshot is not an archive (no file, no sha256 sidecar)',
  truncated: 'a provider snapshot is not an archive',
  restore: 'a provider snapshot is restored in the provider console, not by snapshotter',
};

export const CLOUD_TOKEN = 'cl0ud-conformance-TOKEN-0123456789abcdef';

interface Fake {
  server: { start(): Promise<string>; stop(): Promise<void>; url: string; received: { method: string; path: string }[] };
}

/** Starts both fakes and returns the source; `fields(url, id)` writes a target's keys. */
export async function cloudSource<F extends Fake>(
  make: () => F,
  prepare: (fake: F, hangs: boolean) => void,
  fields: (url: string, id: number) => string,
  id: number,
): Promise<Source> {
  const [fake, stuck] = [make(), make()];
  prepare(fake, false);
  prepare(stuck, true);
  await Promise.all([fake.server.start(), stuck.server.start()]);
  const keys = (url: string, resource: number) =>
    `token: "\${CONFORMANCE_SECRET}", poll_interval: 100ms, retries: 1, ${fields(url, resource)}`;
  return {
    good: keys(fake.server.url, id),
    broken: keys(fake.server.url, id + 1),
    hanging: keys(stuck.server.url, id),
    secret: CLOUD_TOKEN,
    waitingOn: / waiting for snapshot (action|image) \d+ of .* to finish$/,
    // The stuck provider was polled for the action it never finishes.
    hangingReached: () => stuck.server.received.some((r) => r.method === 'GET' && /\/actions\/\d+$/.test(r.path)),
    stop: async () => void (await Promise.all([fake.server.stop(), stuck.server.stop()])),
  };
}
