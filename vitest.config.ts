import * as zlib from 'node:zlib';
import { defineConfig } from 'vitest/config';

// The in-process zstd codec tests need zstd in this Node.js's zlib (22.15+): on an older runtime they are left out
// rather than skipped (the CLI-level zstd tests run on every runtime, spawning a Node.js that fits; docs/testing.md).
const withoutZstd = 'zstdCompress' in zlib ? [] : ['tests/zstd/parallel-zstd.test.ts'];

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...withoutZstd],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
