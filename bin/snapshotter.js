#!/usr/bin/env node
// Start-up only: answer `--version` from package.json without loading the CLI, tune memory (glibc's malloc, V8's
// young generation) for the commands that move data, turn on Node's compile cache where the runtime has one, size
// the libuv thread pool, then hand over to dist/cli.js.
import { lstatSync, mkdirSync, readFileSync } from 'node:fs';
import module from 'node:module';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  tuneMemory(args);
  enableCompileCache();
  // Size the libuv thread pool to the cores before anything uses it: compression runs there.
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 1));
  const { ignoreClosedPipes, main } = await import('../dist/cli.js');
  ignoreClosedPipes();
  process.exitCode = await main(process.argv);
}

/**
 * Commands that stream archives (run, verify, restore) allocate and free megabytes a second. With glibc's default
 * malloc, freed 1 MiB buffers are given back to the kernel (munmap, heap trimming) and the next ones are faulted in
 * again, page by page: on a virtual machine where a page fault costs tens of microseconds, that was a quarter of a
 * zstd backup's CPU (see docs/performance.md). So malloc keeps freed memory for reuse, and V8's young generation is
 * kept small (1 MiB semi-spaces: the short-lived buffers are collected sooner, which bounds the peak memory and
 * costs nothing here, as little JavaScript garbage is made). Both are read only when a process starts, so the
 * process re-executes itself once with them (process.execve, Node.js 22.15+, same pid, the operator's own Node.js
 * flags after ours). Any MALLOC_* variable the operator set, or SNAPSHOTTER_MALLOC=default, leaves both alone.
 */
function tuneMemory(args) {
  if (process.platform !== 'linux' || typeof process.execve !== 'function') return;
  if (!args.some((a) => a === 'run' || a === 'verify' || a === 'restore')) return;
  if (process.env.SNAPSHOTTER_MALLOC === 'default' || Object.keys(process.env).some((k) => k.startsWith('MALLOC_'))) return;
  const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: String(64 << 20), MALLOC_TRIM_THRESHOLD_: String(1 << 30) };
  const node = [process.execPath, '--max-semi-space-size=1', ...process.execArgv];
  try {
    process.execve(process.execPath, [...node, process.argv[1], ...args], env);
  } catch {
    // Not replaced (the runtime refused): carry on as started.
  }
}

/** A folder only this user can write to, or undefined: another user's cache must never feed our code. */
function privateDir(dir) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const uid = process.getuid?.();
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Node.js 22.1+ keeps the compiled code of the modules it loads (most of `config check`'s start-up) under the
 * user's cache folder ($XDG_CACHE_HOME or ~/.cache), else in a 0700 folder of this uid under the temp folder.
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off; on older runtimes nothing happens.
 */
function enableCompileCache() {
  if (typeof module.enableCompileCache !== 'function' || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  const xdg = process.env.XDG_CACHE_HOME;
  const home = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  const dir =
    privateDir(join(home, 'snapshotter', 'compile-cache')) ??
    privateDir(join(tmpdir(), `snapshotter-compile-cache-${process.getuid?.() ?? 'user'}`));
  if (dir) module.enableCompileCache(dir);
}
