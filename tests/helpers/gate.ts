// Backups that block until the test releases them (tests/fixtures/gate/docker): postgres targets whose dump
// waits on a FIFO, so a test acts on an observed event (the dump started) rather than on how long a backup takes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpDir } from './tmp.js';
import { whenDir } from './watch.js';

export const GATE_DOCKER = fileURLToPath(new URL('../fixtures/gate/docker', import.meta.url));

export interface Gate {
  dir: string;
  /** Environment for the CLI: the stand-in finds its FIFOs through DOCKER_GATE_DIR. */
  env: Record<string, string>;
  /** A target line for the config: a postgres target named `name` whose dump blocks on its own FIFO. */
  target: (name: string, extra?: string) => string;
  /** Lines the stand-ins wrote so far: "start <name> <pid>", "term <name>", "end <name>". */
  log: () => string[];
  /** Resolves with its pid once the stand-in of `name` has started (its dump is in flight); rejects if `abandon` settles first. */
  started: (name: string, abandon?: PromiseLike<unknown>) => Promise<number>;
  /** Resolves once the stand-in of `name` got SIGTERM. */
  termed: (name: string) => Promise<void>;
  /** Lets the dump of `name` finish. */
  release: (name: string) => Promise<void>;
}

export function makeGate(names: readonly string[]): Gate {
  const dir = tmpDir('snapshotter-gate-');
  for (const name of names) execFileSync('mkfifo', [join(dir, name)]);
  execFileSync('touch', [join(dir, 'log')]);
  const log = (): string[] => readFileSync(join(dir, 'log'), 'utf8').split('\n').filter(Boolean);
  return {
    dir,
    env: { DOCKER_GATE_DIR: dir },
    target: (name, extra = '') =>
      `  - { name: ${name}, type: postgres, container: ${name}, docker_command: ${GATE_DOCKER}${extra ? `, ${extra}` : ''} }\n`,
    log,
    started: async (name, abandon) => {
      const line = (): string | undefined => log().find((l) => l.startsWith(`start ${name} `));
      await whenDir(dir, () => line() !== undefined, abandon);
      return Number(line()!.split(' ')[2]);
    },
    termed: (name) => whenDir(dir, () => log().includes(`term ${name}`)),
    release: (name) => writeFile(join(dir, name), 'go\n'),
  };
}
