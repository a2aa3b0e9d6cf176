// The snapshots this target made and has not removed yet, in a small file in the target's backup folder. A run
// that crashed between making a snapshot and removing it leaves its name here; the next run removes exactly
// those snapshots, never one a person made.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { removeQuietly, writeFileAtomic } from '../../archive/atomic.js';
import { SNAPSHOT_NAME } from './api.js';

/** Hidden, and matches no archive or temporary-file pattern: retention and stale-file cleanup leave it alone. */
export const STATE_FILE = '.prometheus-snapshots.json';

const Pending = z.object({
  name: z.string().regex(SNAPSHOT_NAME),
  /** The snapshots folder's parent: a host path, or a path inside `container`. */
  data_dir: z.string().startsWith('/'),
  container: z.string().optional(),
  created_at: z.string(),
});
export type PendingSnapshot = z.infer<typeof Pending>;

const State = z.object({ version: z.literal(1), snapshots: z.array(Pending) });

export class StateFile {
  readonly path: string;

  constructor(targetDir: string) {
    this.path = join(targetDir, STATE_FILE);
  }

  /** The recorded snapshots; a missing file is none; an unreadable one is an error (it names what to remove). */
  async read(): Promise<PendingSnapshot[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = State.safeParse(json);
    if (!parsed.success)
      throw new Error(`${this.path} is not a state file of this target; move it away and check <data_dir>/snapshots by hand`);
    return parsed.data.snapshots;
  }

  /** Writes the list atomically; an empty list removes the file. */
  async write(snapshots: readonly PendingSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return removeQuietly(this.path);
    await writeFileAtomic(this.path, JSON.stringify({ version: 1, snapshots }, null, 2) + '\n');
  }

  /** Records a snapshot before anything else can fail, so a crash leaves its name behind. */
  async add(snapshot: PendingSnapshot): Promise<void> {
    const all = (await this.read()).filter((s) => !same(s, snapshot));
    await this.write([...all, snapshot]);
  }

  /** Forgets a snapshot once it is gone. */
  async remove(snapshot: PendingSnapshot): Promise<void> {
    await this.write((await this.read()).filter((s) => !same(s, snapshot)));
  }
}

/** One snapshot is one name in one place. */
function same(a: PendingSnapshot, b: PendingSnapshot): boolean {
  return a.name === b.name && a.data_dir === b.data_dir && a.container === b.container;
}
