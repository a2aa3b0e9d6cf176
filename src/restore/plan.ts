// The decision for each archive entry, made on a model of what this restore has created so far (only this
// process writes into its staging folder, so the model is the truth): where it goes, which parent folders to
// make, what it replaces, or why it is skipped or refused. No file system access here, so a dry run decides
// exactly as a real restore does. Names are byte strings (src/util/byte-names.ts).
import { displayName } from '../util/byte-names.js';
import { isSelected, RestoreRefusedError, safeComponents } from './entry-path.js';

export type NodeKind = 'dir' | 'file' | 'symlink';

/** The parts of a tar entry header a restore uses. */
export interface EntryInfo {
  name: string;
  type: string;
  linkpath?: string | undefined;
}

interface Placed {
  rel: string;
  /** Folders above `rel` that do not exist yet, outermost first. */
  parents: string[];
  /** A file or link this restore created earlier at `rel` is removed first (never written through). */
  replace: boolean;
}

export type Action =
  | ({ kind: 'dir' } & Placed)
  | ({ kind: 'file' } & Placed)
  | ({ kind: 'symlink'; target: string } & Placed)
  | ({ kind: 'hardlink'; target: string } & Placed)
  | { kind: 'skip'; rel: string; reason: string | undefined };

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const DIR_TYPES = new Set(['Directory', 'GNUDumpDir']);
const SPECIAL_TYPES = new Set(['FIFO', 'CharacterDevice', 'BlockDevice']);

const quote = (rel: string): string => JSON.stringify(displayName(rel));

/** What exists in the staging folder, by path relative to it; decides each entry in archive order. */
export class RestorePlan {
  private readonly nodes = new Map<string, NodeKind>();
  private readonly skippedSpecial = new Set<string>();

  constructor(private readonly selection: readonly string[]) {}

  /** The action for one entry, and the model updated as if it were done; throws RestoreRefusedError. */
  decide(entry: EntryInfo): Action {
    const rel = safeComponents(entry.name).join('/');
    if (rel === '') return { kind: 'skip', rel, reason: undefined }; // the restore folder itself
    if (!isSelected(rel, this.selection)) return { kind: 'skip', rel, reason: undefined };
    if (SPECIAL_TYPES.has(entry.type)) {
      this.skippedSpecial.add(rel);
      return { kind: 'skip', rel, reason: `${entry.type}: device nodes and FIFOs are not restored` };
    }
    if (entry.type === 'Link') return this.hardLink(entry, rel);
    if (entry.type === 'SymbolicLink') {
      const target = entry.linkpath ?? '';
      if (target === '' || target.includes('\0'))
        throw new RestoreRefusedError(entry.name, 'a symbolic link without a valid target');
      return this.place(entry.name, rel, 'symlink', (placed) => ({ kind: 'symlink', target, ...placed }));
    }
    if (DIR_TYPES.has(entry.type)) return this.place(entry.name, rel, 'dir', (placed) => ({ kind: 'dir', ...placed }));
    if (FILE_TYPES.has(entry.type)) return this.place(entry.name, rel, 'file', (placed) => ({ kind: 'file', ...placed }));
    return { kind: 'skip', rel, reason: `unsupported entry type ${entry.type}` };
  }

  /** A hard link may only point to a file this restore wrote earlier: never to anything outside. */
  private hardLink(entry: EntryInfo, rel: string): Action {
    const target = safeComponents(entry.linkpath ?? '', entry.name).join('/');
    if (!isSelected(target, this.selection)) {
      return { kind: 'skip', rel, reason: `a hard link to ${quote(target)}, which lies outside --path` };
    }
    if (this.skippedSpecial.has(target)) {
      return { kind: 'skip', rel, reason: `a hard link to ${quote(target)}, which was not restored` };
    }
    if (target === rel || this.nodes.get(target) !== 'file') {
      throw new RestoreRefusedError(
        entry.name,
        `a hard link to ${quote(entry.linkpath ?? '')}, which is not a file restored earlier from this archive ` +
          '(hard links may only point to files inside the restore folder)',
      );
    }
    return this.place(entry.name, rel, 'file', (placed) => ({ kind: 'hardlink', target, ...placed }));
  }

  /** Checks the parents (real folders of this restore, never links or files) and what `rel` would replace. */
  private place<A extends Action>(name: string, rel: string, kind: NodeKind, make: (placed: Placed) => A): A {
    const parts = rel.split('/');
    const parents: string[] = [];
    for (let i = 1; i < parts.length; i += 1) {
      const prefix = parts.slice(0, i).join('/');
      const existing = this.nodes.get(prefix);
      if (existing === undefined) parents.push(prefix);
      else if (existing === 'symlink') {
        throw new RestoreRefusedError(
          name,
          `${quote(prefix)} is a symbolic link stored earlier in this archive; writing through it could leave the restore folder`,
        );
      } else if (existing !== 'dir') {
        throw new RestoreRefusedError(name, `${quote(prefix)} is a file stored earlier in this archive, not a folder`);
      }
    }
    const existing = this.nodes.get(rel);
    if (existing === 'dir' && kind !== 'dir') {
      throw new RestoreRefusedError(name, `it would replace the folder ${quote(rel)} restored earlier from this archive`);
    }
    for (const parent of parents) this.nodes.set(parent, 'dir');
    this.nodes.set(rel, kind);
    return make({ rel, parents, replace: existing !== undefined && existing !== 'dir' });
  }
}
