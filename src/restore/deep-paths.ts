// Restoring trees deeper than PATH_MAX (4096 bytes) without chdir: a path under the restore folder that grows long
// is reached as /proc/self/fd/<fd>/<rest>, where <fd> is an open handle on one of its folders (opened with
// O_NOFOLLOW, itself reached the same way). The kernel resolves the handle to the folder, so only <rest> counts
// against PATH_MAX. Handles are cached per folder, so a path handed out stays valid until `trim` or `close`.
import { constants } from 'node:fs';
import { lstat, open, readdir, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { underRoot } from '../util/byte-names.js';

/** Paths (as given to a system call) up to this length are used as they are. */
const DIRECT_MAX = 2048;
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** Handles kept open at most between entries (`trim`); entries come in tree order, so few are needed. */
const MAX_HANDLES = 64;

export class DeepPaths {
  private readonly handles = new Map<string, FileHandle>();
  private readonly rootLength: number;

  constructor(private readonly root: string) {
    this.rootLength = Buffer.byteLength(root) + 1;
  }

  /** A path the kernel resolves to `root/rel` (rel a byte string), short enough for any system call. */
  async of(rel: string): Promise<Buffer> {
    if (this.rootLength + rel.length <= DIRECT_MAX) return underRoot(this.root, rel);
    const cut = rel.indexOf('/', rel.length - DIRECT_MAX + 64); // keep the rest well under DIRECT_MAX
    if (cut < 0) return underRoot(this.root, rel); // one name that long cannot exist; let the call fail
    const folder = rel.slice(0, cut);
    let handle = this.handles.get(folder);
    if (!handle) {
      handle = await open(await this.of(folder), DIR_FLAGS);
      this.handles.set(folder, handle);
    }
    return Buffer.concat([Buffer.from(`/proc/self/fd/${handle.fd}/`), Buffer.from(rel.slice(cut + 1), 'latin1')]);
  }

  /** Closes the cached handles when there are many; only between entries (paths handed out stay valid till then). */
  async trim(): Promise<void> {
    if (this.handles.size > MAX_HANDLES) await this.close();
  }

  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    for (const handle of handles) await handle.close();
  }
}

/** Removes `root` and everything in it at any depth (links are removed, never followed). */
export async function removeTree(root: string): Promise<void> {
  const paths = new DeepPaths(root);
  const remove = async (rel: string): Promise<void> => {
    const path = await paths.of(rel);
    const info = await lstat(path).catch(() => undefined);
    if (!info) return;
    if (!info.isDirectory()) return void (await unlink(path));
    for (const name of await readdir(path, { encoding: 'latin1' })) await remove(rel === '' ? name : `${rel}/${name}`);
    await paths.close(); // no handle may stay open on a folder about to go
    await rmdir(await paths.of(rel));
  };
  try {
    await remove('');
  } finally {
    await paths.close();
  }
}
