// zstd tests need a Node.js with zstd in zlib (22.15+). CI runs the suite twice: on the machine's Node.js 20, where
// they skip with a printed reason, and on Node.js 24 with SNAPSHOTTER_ZSTD_RUNTIME=required, where a runtime
// without zstd fails them, so a CI run whose Node.js 24 pass is missing or broken cannot go green unnoticed.
import { hasZstd, zstdMissingMessage } from '../../src/archive/zstd-runtime.js';

/** True when zstd tests may run; prints why they skip; throws when this run is the one that must run them. */
export function requireZstdRuntime(what: string): boolean {
  if (hasZstd()) return true;
  const reason = `${what}: skipped, ${zstdMissingMessage()} (CI runs these in its Node.js 24 pass)`;
  if (process.env.SNAPSHOTTER_ZSTD_RUNTIME === 'required') {
    throw new Error(`${reason} — but SNAPSHOTTER_ZSTD_RUNTIME=required: this run must have zstd`);
  }
  console.warn(reason);
  return false;
}
