// What backups a target folder holds. A backup is complete only when archive, sidecar and manifest exist and
// agree; every other file is not a backup and is never listed or deleted as one.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
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

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Checks one archive-named file against its sidecar and manifest. */
export async function inspectBackup(dir: string, parsed: ParsedArchiveName, name: string): Promise<Backup | IncompleteBackup> {
  const path = join(dir, name);
  const incomplete = (reason: string): IncompleteBackup => ({ ...parsed, name, path, reason });
  const info = await stat(path);
  if (!info.isFile()) return incomplete('not a regular file');
  const sidecar = await readOptional(path + SIDECAR_SUFFIX);
  if (sidecar === undefined) return incomplete('no checksum sidecar');
  const sha256 = parseSidecar(sidecar, name);
  if (!sha256) return incomplete('sidecar does not name this archive');
  const manifestText = await readOptional(path + MANIFEST_SUFFIX);
  if (manifestText === undefined) return incomplete('no manifest');
  const manifest = parseManifest(manifestText);
  if (!manifest) return incomplete('manifest unreadable');
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
