// Who wrote a temporary file: a short hash of the host name and of the boot id, and the pid, carried in the temp
// name (`.<final>.snapshotter-tmp-<host>.<boot>.<pid>-<random>`). Cleanup removes a temp file only when that process
// is provably gone: the same host, and another boot or no such pid. Another host's file is never touched.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { processAlive } from '../util/process-alive.js';

export interface TempOwner {
  /** 8 hex digits of sha256(hostname); absent in names written before owners were recorded. */
  host?: string;
  boot?: string;
  pid: number;
}

const short = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** The boot id Linux gives each boot; `unknown` where there is none. */
function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** This process as an owner. */
export function currentOwner(): Required<TempOwner> {
  return { host: short(hostname()), boot: short(bootId()), pid: process.pid };
}

/** `<host>.<boot>.<pid>`: the owner part of a temp name. */
export function ownerTag(owner: Required<TempOwner> = currentOwner()): string {
  return `${owner.host}.${owner.boot}.${owner.pid}`;
}

/** The owner in the text after the temp marker (`<host>.<boot>.<pid>-<random>`, or the older `<pid>-<random>`). */
export function parseOwner(afterMarker: string): TempOwner | undefined {
  const full = /^([0-9a-f]{8})\.([0-9a-f]{8})\.(\d+)-[0-9a-z]*$/.exec(afterMarker);
  if (full) return { host: full[1]!, boot: full[2]!, pid: Number(full[3]) };
  const legacy = /^(\d+)-[0-9a-z]*$/.exec(afterMarker);
  return legacy ? { pid: Number(legacy[1]) } : undefined;
}

/** True only when the owner is provably gone: this host, and an earlier boot or a pid that no longer runs. */
export function ownerGone(owner: TempOwner, current: Required<TempOwner> = currentOwner()): boolean {
  if (owner.host !== undefined && owner.host !== current.host) return false;
  if (owner.boot !== undefined && owner.boot !== current.boot) return true;
  return owner.pid !== current.pid && !processAlive(owner.pid);
}
