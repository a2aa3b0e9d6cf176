// The launcher (bin/snapshotter.js) tunes glibc's malloc for the commands that stream archives: it re-executes
// itself once with MALLOC_* set (same pid), unless the operator set any MALLOC_* or SNAPSHOTTER_MALLOC=default.
// Observed from the outside: a hook reads the environment of the process that runs it (its parent).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { hookDir } from '../hooks/setup.js';

const canExec = process.platform === 'linux' && typeof (process as { execve?: unknown }).execve === 'function';

async function runSeen(env: Record<string, string>): Promise<{ malloc: string[]; samePid: boolean; exitCode: number }> {
  const h = hookDir();
  h.write(`backup_dir: $DIR/backups
targets:
  - name: files
    type: filesystem
    paths: [$DIR/src]
    hooks:
      before:
        - "echo $PPID > $DIR/pid; tr '\\\\0' '\\\\n' < /proc/$PPID/environ | grep '^MALLOC_' > $DIR/malloc; true"
`);
  const child = startCli(['run', '-c', h.config], { env });
  const result = await child;
  const read = (name: string): string => readFileSync(join(h.dir, name), 'utf8').trim();
  return {
    malloc: read('malloc').split('\n').filter(Boolean).sort(),
    samePid: Number(read('pid')) === child.pid,
    exitCode: result.exitCode ?? -1,
  };
}

describe.runIf(process.platform === 'linux')('the launcher tunes malloc for run, verify and restore', () => {
  it(
    canExec ? 'keeps freed memory for reuse, in the same process' : 'leaves malloc alone on a Node.js without process.execve',
    async () => {
      const seen = await runSeen({});
      expect(seen.exitCode).toBe(0);
      expect(seen.samePid).toBe(true);
      expect(seen.malloc).toEqual(canExec ? ['MALLOC_MMAP_THRESHOLD_=67108864', 'MALLOC_TRIM_THRESHOLD_=1073741824'] : []);
    },
  );

  it("leaves the operator's MALLOC_* settings alone, and SNAPSHOTTER_MALLOC=default turns the tuning off", async () => {
    expect((await runSeen({ MALLOC_ARENA_MAX: '4' })).malloc).toEqual(['MALLOC_ARENA_MAX=4']);
    const off = await runSeen({ SNAPSHOTTER_MALLOC: 'default' });
    expect(off.exitCode).toBe(0);
    expect(off.malloc).toEqual([]);
  });
});
