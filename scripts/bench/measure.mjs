// Runs a command and measures it: wall time, CPU (user+sys of the whole process tree), peak RSS.
// CPU: the delta of this process's cutime/cstime in /proc/self/stat — exact, it counts every descendant that was
// waited for (tar waits for gzip, sh for its pipeline). Peak RSS: /proc/<pid>/status VmHWM of every process in the
// child's tree, polled every 20 ms; the figure is the sum of each process's own peak (an upper bound of the tree's
// concurrent peak; for snapshotter it is the one node process).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICK = 100; // getconf CLK_TCK on Linux

function childTicks() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]); // cutime + cstime
}

function tree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i += 1) {
    try {
      const kids = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim();
      if (kids) pids.push(...kids.split(' ').map(Number));
    } catch {
      // gone already
    }
  }
  return pids;
}

function hwmKiB(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs `cmd args` (no shell); resolves { wall, cpu, rssMiB, code, stderr, stdout }. Rejects on a non-zero exit. */
export function measure(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const ticks = childTicks();
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'], env: options.env ?? process.env });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout?.on('data', (chunk) => (stdout += chunk)); // options.stdout 'pipe': kept in the result
    const peaks = new Map();
    const poll = () => {
      for (const pid of tree(child.pid)) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, hwmKiB(pid)));
    };
    const timer = setInterval(poll, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu = (childTicks() - ticks) / TICK;
      const rssMiB = [...peaks.values()].reduce((a, b) => a + b, 0) / 1024;
      if (code !== 0 && !options.allowFailure)
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      else resolve({ wall, cpu, rssMiB, code, stderr, stdout });
    });
  });
}
