// Entry names as archives store them, turned into safe relative paths: a leading `/` or `./` is dropped (entries
// are relative to `/`), a `..` component is refused. What comes out never leaves the restore folder.

import { displayName, toByteString } from '../util/byte-names.js';

/** An archive entry that a restore refuses: names the entry and says why. Stops the restore. */
export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';

  constructor(
    readonly entry: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`refused entry ${JSON.stringify(displayName(entry))}: ${reason}`, options);
  }
}

/** The components of an entry path relative to the restore folder; [] is the folder itself. Throws on `..`. */
export function safeComponents(raw: string, entry = raw): string[] {
  if (raw.includes('\0')) throw new RestoreRefusedError(entry, 'the name holds a NUL byte');
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    throw new RestoreRefusedError(entry, 'the name holds a ".." component (it would write outside the restore folder)');
  }
  return parts;
}

/** Normalises a `--path` value the way entry names are: relative to `/`, no `..`; a byte string like them. */
export function normalizeSelection(path: string): string {
  if (path.includes('\0') || path.split('/').includes('..')) {
    throw new Error(`--path ${JSON.stringify(path)}: must not hold ".." components`);
  }
  return toByteString(path)
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** True when `rel` is one of the selected paths or lies under one (no selection selects everything). */
export function isSelected(rel: string, selection: readonly string[]): boolean {
  if (selection.length === 0) return true;
  return selection.some((p) => p === '' || rel === p || rel.startsWith(`${p}/`));
}
