// What backups a remote holds for one host and target, from a listing: a remote backup is complete only when its
// archive, sidecar and manifest objects all exist and the manifest names the archive and its size. Every other
// object under the prefix (foreign files, an archive without manifest, half an upload) is not a backup.
import { text } from 'node:stream/consumers';
import { parseManifest, parseSidecar, type Manifest } from '../archive/manifest.js';
import { MANIFEST_SUFFIX, parseArchiveName, SIDECAR_SUFFIX, type ParsedArchiveName } from '../archive/names.js';
import type { RemoteObject, RemoteStore } from './types.js';

export interface RemoteBackupEntry extends ParsedArchiveName {
  name: string;
  /** The archive's key. */
  key: string;
  size_bytes: number;
}

export interface CompleteRemoteBackup extends RemoteBackupEntry {
  sha256: string;
  manifest: Manifest;
}

export interface RemoteCatalog {
  /** Newest first. */
  complete: CompleteRemoteBackup[];
  incomplete: (RemoteBackupEntry & { reason: string })[];
}

/** `<prefix><hostname>/<target>/`: where one host's target lives on a remote. */
export function targetPrefix(store: Pick<RemoteStore, 'prefix'>, hostname: string, target: string): string {
  return `${store.prefix}${hostname}/${target}/`;
}

/** Archive-named objects of a listing, each with whether its sidecar and manifest are listed too. */
export function archivesIn(objects: readonly RemoteObject[], prefix: string, target: string) {
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const found: (RemoteBackupEntry & { sidecar: boolean; manifest: boolean })[] = [];
  for (const o of objects) {
    const name = o.key.slice(prefix.length);
    if (name.includes('/')) continue;
    const parsed = parseArchiveName(target, name);
    if (!parsed) continue;
    found.push({
      ...parsed,
      name,
      key: o.key,
      size_bytes: o.size,
      sidecar: byKey.has(o.key + SIDECAR_SUFFIX),
      manifest: byKey.has(o.key + MANIFEST_SUFFIX),
    });
  }
  return found.sort((a, b) => b.time.getTime() - a.time.getTime() || b.name.localeCompare(a.name));
}

async function readText(store: RemoteStore, key: string): Promise<string> {
  return text(await store.get(key));
}

/** Reads a target's remote backups: listing, then each candidate's sidecar and manifest. */
export async function readRemoteCatalog(store: RemoteStore, hostname: string, target: string): Promise<RemoteCatalog> {
  const prefix = targetPrefix(store, hostname, target);
  const catalog: RemoteCatalog = { complete: [], incomplete: [] };
  for (const entry of archivesIn(await store.list(prefix), prefix, target)) {
    const { sidecar, manifest: hasManifest, ...backup } = entry;
    const incomplete = (reason: string): void => void catalog.incomplete.push({ ...backup, reason });
    if (!hasManifest) {
      incomplete('no manifest (an upload that did not finish, or not ours)');
      continue;
    }
    if (!sidecar) {
      incomplete('no checksum sidecar');
      continue;
    }
    const manifest = parseManifest(await readText(store, entry.key + MANIFEST_SUFFIX));
    const sha256 = parseSidecar(await readText(store, entry.key + SIDECAR_SUFFIX), entry.name);
    if (!manifest || manifest.archive !== entry.name || manifest.target.name !== target)
      incomplete('manifest unreadable or names another archive');
    else if (!sha256 || sha256 !== manifest.sha256) incomplete('sidecar and manifest checksums differ');
    else if (manifest.size_bytes !== entry.size_bytes)
      incomplete(`size ${entry.size_bytes} differs from manifest ${manifest.size_bytes}`);
    else catalog.complete.push({ ...backup, sha256, manifest });
  }
  return catalog;
}

/** The hosts and targets found under a remote's prefix (`status --all-hosts`). */
export function hostsAndTargets(objects: readonly RemoteObject[], prefix: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const o of objects) {
    const parts = o.key.slice(prefix.length).split('/');
    if (parts.length !== 3 || !parts[0] || !parts[1] || !o.key.endsWith(MANIFEST_SUFFIX)) continue;
    const targets = found.get(parts[0]) ?? new Set<string>();
    targets.add(parts[1]);
    found.set(parts[0], targets);
  }
  return found;
}
