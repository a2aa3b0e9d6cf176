// Runs the built CLI (bin/snapshotter.js → dist/) as a user would, with its own environment.
import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/snapshotter.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** The Node.js binary to run the CLI on (default: the one running the tests). */
  node?: string;
}

/** Starts the CLI; the caller awaits it (or signals it first). */
export function startCli(args: string[], options: CliOptions = {}): ResultPromise {
  return execa(options.node ?? process.execPath, [BIN, ...args], {
    env: { SNAPSHOTTER_CONFIG: undefined, ...options.env },
    extendEnv: true,
    cwd: options.cwd,
    input: options.input,
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
  });
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const result = await startCli(args, options);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
