// What backups a target folder holds. A backup is complete only when archive, sidecar and manifest exist and
// agree; every other file is not a backup and is never listed or deleted as one.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errorMessage } from '../util/errors.js';
import { parseManifest, parseSidecar, type Manifest } from './manifest.js';
import { MANIFEST_SUFFIX, parseArchiveName, SIDECAR_SUFFIX, type ParsedArchiveName } from './names.js';

export interface Backup extends ParsedArchiveName {
  name: string;
  path: string;
  size_bytes: number;
  sha256: string;
  manifest: Manifest;
}

export interface IncompleteBackup extends ParsedArchiveName {
  name: string;
  path: string;
  reason: string;
}

export interface Catalog {
  /** Complete backups, newest first. */
  complete: Backup[];
  /** Archive-named files that are not complete backups (never deleted by retention). */
  incomplete: IncompleteBackup[];
}

/** A sidecar or manifest holds a line or a small JSON document: anything far larger is not ours. */
const MAX_META_BYTES = 1024 * 1024;

/** The text of a sidecar or manifest; a string reason when it is absent or not a readable regular file. */
async function readMeta(path: string, what: string): Promise<{ text: string } | string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return `${what} ${basename(path)} is not a regular file`;
    if (info.size > MAX_META_BYTES) return `${what} ${basename(path)} is ${info.size} bytes, too large to be ours`;
    return { text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `no ${what}`;
    return `${what} ${basename(path)} unreadable: ${code ?? errorMessage(error)}`;
  }
}

/** Checks one archive-named file against its sidecar and manifest; whatever is wrong is a reason, never a throw. */
export async function inspectBackup(dir: string, parsed: ParsedArchiveName, name: string): Promise<Backup | IncompleteBackup> {
  const path = join(dir, name);
  const incomplete = (reason: string): IncompleteBackup => ({ ...parsed, name, path, reason });
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return incomplete(`unreadable: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  if (!info.isFile()) return incomplete('not a regular file');
  const sidecarRead = await readMeta(path + SIDECAR_SUFFIX, 'checksum sidecar');
  if (typeof sidecarRead === 'string') return incomplete(sidecarRead);
  const sha256 = parseSidecar(sidecarRead.text, name);
  if (!sha256) return incomplete('sidecar does not name this archive');
  const manifestRead = await readMeta(path + MANIFEST_SUFFIX, 'manifest');
  if (typeof manifestRead === 'string') return incomplete(manifestRead);
  const manifestText = manifestRead.text;
  const manifest = parseManifest(manifestText);
  if (!manifest) return incomplete('manifest is not a snapshotter manifest (not JSON, or fields missing)');
  if (manifest.archive !== name || manifest.target.name !== parsed.target) return incomplete('manifest names another archive');
  if (manifest.sha256 !== sha256) return incomplete('manifest and sidecar checksums differ');
  if (manifest.size_bytes !== info.size) return incomplete(`size ${info.size} differs from manifest ${manifest.size_bytes}`);
  return { ...parsed, name, path, size_bytes: info.size, sha256, manifest };
}

/** Lists the backups of one target in its folder (a missing folder holds none). */
export async function readCatalog(dir: string, target: string): Promise<Catalog> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { complete: [], incomplete: [] };
    throw error;
  }
  const catalog: Catalog = { complete: [], incomplete: [] };
  for (const name of names) {
    const parsed = parseArchiveName(target, name);
    if (!parsed) continue;
    const entry = await inspectBackup(dir, parsed, name);
    if ('reason' in entry) catalog.incomplete.push(entry);
    else catalog.complete.push(entry);
  }
  catalog.complete.sort((a, b) => b.time.getTime() - a.time.getTime() || b.name.localeCompare(a.name));
  catalog.incomplete.sort((a, b) => b.name.localeCompare(a.name));
  return catalog;
}
