// The CLI's main() run in this process with captured output: for tests that need an exit code and a message but
// not a process of their own (each spawn costs 1–2 s of start-up). A `run` works too (it removes its signal
// handlers, releases its lock and closes its log file before main() returns), for tests about what a run does,
// never about the process: signals, a kill, two processes racing for the lock and start-up stay spawned.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli.js';
import type { CliResult } from './cli.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function mainInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const stdout = capture();
  const stderr = capture();
  const exitCode = await main(['node', 'snapshotter', ...args], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { ...process.env, SNAPSHOTTER_CONFIG: undefined, ...env },
  });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}
