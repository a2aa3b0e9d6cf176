// Who holds a lock and whether that holder is provably gone: the boot it ran in (/proc/sys/kernel/random/boot_id)
// and its process start time (/proc/<pid>/stat field 22) tell a live run from a dead one whose PID was reused.
import { readFile } from 'node:fs/promises';
import { processAlive } from '../util/process-alive.js';

export interface LockInfo {
  pid: number;
  host: string;
  started_at: string;
  nonce: string;
  /** The kernel's boot id when the lock was taken (absent in locks of older versions). */
  boot_id?: string | undefined;
  /** The holder's start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  pid_start?: string | undefined;
}

/** This boot's id, or undefined where the kernel does not say (not Linux). */
export async function bootId(): Promise<string | undefined> {
  const text = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined);
  return text?.trim() || undefined;
}

/** Field 22 (starttime) of /proc/<pid>/stat, or undefined when the process does not exist (or no /proc). */
export async function processStart(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return fields[22 - 3];
}

/** A lock file's content, or undefined when it is empty or not a lock of ours. */
export function parseLock(text: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LockInfo>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? (parsed as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** Why the holder is provably gone (the lock may be taken over), or undefined when it may still be running. */
export async function holderGone(
  holder: LockInfo,
  here: { host: string; boot_id: string | undefined },
): Promise<string | undefined> {
  const sameBoot = holder.boot_id !== undefined && holder.boot_id === here.boot_id;
  if (!sameBoot) {
    if (holder.host !== here.host) return undefined; // another machine sharing the folder: nothing can be proved
    if (holder.boot_id !== undefined && here.boot_id !== undefined)
      return `it was taken before the last reboot (boot ${holder.boot_id})`;
  }
  if (!processAlive(holder.pid)) return `process ${holder.pid} is gone`;
  if (holder.pid_start === undefined) return undefined;
  const start = await processStart(holder.pid);
  if (start !== undefined && start !== holder.pid_start) return `process ${holder.pid} is another program now (PID reused)`;
  return undefined;
}
