// The launcher (bin/snapshotter.js) tunes memory for the commands that stream archives: it re-executes itself once
// (same pid) with MALLOC_* set and a small V8 young generation, unless the operator set any MALLOC_* or
// SNAPSHOTTER_MALLOC=default. Observed from the outside: a hook reads the environment and command line of the
// process that runs it (its parent).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { hookDir } from '../hooks/setup.js';

const canExec = process.platform === 'linux' && typeof (process as { execve?: unknown }).execve === 'function';

interface Seen {
  malloc: string[];
  /** Node.js flags of the process that ran the backup (before the script). */
  flags: string[];
  samePid: boolean;
  exitCode: number;
}

async function runSeen(env: Record<string, string>): Promise<Seen> {
  const h = hookDir();
  h.write(`backup_dir: $DIR/backups
targets:
  - name: files
    type: filesystem
    paths: [$DIR/src]
    hooks:
      before:
        - "echo $PPID > $DIR/pid; tr '\\\\0' '\\\\n' < /proc/$PPID/environ | grep '^MALLOC_' > $DIR/malloc; tr '\\\\0' '\\\\n' < /proc/$PPID/cmdline > $DIR/cmdline; true"
`);
  const child = startCli(['run', '-c', h.config], { env });
  const result = await child;
  const read = (name: string): string => readFileSync(join(h.dir, name), 'utf8').trim();
  return {
    malloc: read('malloc').split('\n').filter(Boolean).sort(),
    flags: read('cmdline')
      .split('\n')
      .slice(1)
      .filter((a) => a.startsWith('--')),
    samePid: Number(read('pid')) === child.pid,
    exitCode: result.exitCode ?? -1,
  };
}

describe.runIf(process.platform === 'linux')('the launcher tunes memory for run, verify and restore', () => {
  it(
    canExec ? 'keeps freed memory for reuse, in the same process' : 'leaves malloc alone on a Node.js without process.execve',
    async () => {
      const seen = await runSeen({});
      expect(seen.exitCode).toBe(0);
      expect(seen.samePid).toBe(true);
      expect(seen.malloc).toEqual(canExec ? ['MALLOC_MMAP_THRESHOLD_=67108864', 'MALLOC_TRIM_THRESHOLD_=1073741824'] : []);
      expect(seen.flags).toEqual(canExec ? ['--max-semi-space-size=1'] : []);
    },
  );

  it("leaves the operator's MALLOC_* settings alone, and SNAPSHOTTER_MALLOC=default turns the tuning off", async () => {
    const own = await runSeen({ MALLOC_ARENA_MAX: '4' });
    expect(own.malloc).toEqual(['MALLOC_ARENA_MAX=4']);
    expect(own.flags).toEqual([]);
    const off = await runSeen({ SNAPSHOTTER_MALLOC: 'default' });
    expect(off.exitCode).toBe(0);
    expect(off.malloc).toEqual([]);
    expect(off.flags).toEqual([]);
  });
});
