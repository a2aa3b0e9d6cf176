#!/usr/bin/env node
// Size the libuv thread pool to the cores before anything uses it: compression runs there.
import { availableParallelism } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 1));
const { ignoreClosedPipes, main } = await import('../dist/cli.js');
ignoreClosedPipes();
process.exitCode = await main(process.argv);
