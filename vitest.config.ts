import { availableParallelism } from 'node:os';
import * as zlib from 'node:zlib';
import { defineConfig } from 'vitest/config';
import { HeaviestFirst } from './tests/sequencer.js';

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
    // vitest's default is one worker less than the cores: one worker on these 2-core machines. The files spend
    // most of their time waiting on the processes and servers they start, so two workers per core (measured on 2
    // cores, CI=true: 1 worker ~1000 s, 2 workers 444 s, 4 workers 346 s, all green).
    maxWorkers: Math.max(4, 2 * availableParallelism()),
    sequence: { sequencer: HeaviestFirst },
    reporters: ['default'],
  },
});
