// Walking trees deeper than PATH_MAX (4096 bytes) without chdir (the process runs targets concurrently): once a
// folder's path grows long, the walk holds an open handle on it and reaches everything below as
// /proc/self/fd/<fd>/<rest>. The kernel resolves that link to the folder itself, so only <rest> counts against
// PATH_MAX, and depth is unbounded. Handles nest like the walk (depth first), one per ~2 KiB of path.
import { closeSync, constants, openSync } from 'node:fs';
import { bytesOf } from '../../util/byte-names.js';

/** Paths (as given to a system call) longer than this get a folder handle first. */
const DIRECT_MAX = 2048;
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

export class PathAccess {
  private readonly anchors: { dir: string; fd: number }[] = [];

  /** A path the kernel resolves to `path` (an absolute byte string), short enough for any system call. */
  of(path: string): Buffer {
    const top = this.anchors.at(-1);
    if (!top) return bytesOf(path);
    if (path === top.dir) return Buffer.from(`/proc/self/fd/${top.fd}`);
    if (!path.startsWith(`${top.dir}/`)) return bytesOf(path);
    return bytesOf(`/proc/self/fd/${top.fd}/${path.slice(top.dir.length + 1)}`);
  }

  /** Holds a handle on a folder whose path grew long; true when one was opened (call `leave` after its subtree). */
  enter(dir: string): boolean {
    const access = this.of(dir);
    if (access.length <= DIRECT_MAX) return false;
    this.anchors.push({ dir, fd: openSync(access, DIR_FLAGS) });
    return true;
  }

  leave(): void {
    const anchor = this.anchors.pop();
    if (anchor) closeSync(anchor.fd);
  }

  closeAll(): void {
    while (this.anchors.length > 0) this.leave();
  }
}
