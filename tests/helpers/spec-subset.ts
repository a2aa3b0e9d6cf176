// An official spec (OpenAPI 3) cut down to the endpoints snapshotter calls, so that Prism starts in seconds instead of a
// minute on a busy machine (DigitalOcean's spec has 445 paths). The kept path items are copied unchanged, with
// every component they reference (transitively); a request to any other path gets Prism's 404, which the
// recorder counts as a violation like any other. SNAPSHOTTER_PRISM_FULL_SPEC=1 uses the whole file instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function resolvePointer(doc: Json, pointer: string): Json {
  let node = doc;
  for (const raw of pointer.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!node || typeof node !== 'object' || Array.isArray(node) || !(key in node)) throw new Error(`unresolved $ref ${pointer}`);
    node = node[key]!;
  }
  return node;
}

/** Writes `<dir>/<name>` holding the spec's `paths` (all methods) and the components they reach; returns its path. */
export function writeSpecSubset(specFile: string, paths: readonly string[], dir: string, name: string): string {
  if (process.env.SNAPSHOTTER_PRISM_FULL_SPEC === '1') return specFile;
  const doc = JSON.parse(readFileSync(specFile, 'utf8')) as { [key: string]: Json } & {
    paths: Record<string, Json>;
    components?: Record<string, Record<string, Json>>;
  };
  const missing = paths.filter((p) => !(p in doc.paths));
  if (missing.length > 0) throw new Error(`${specFile} has no path ${missing.join(', ')}`);
  const refs = new Set<string>();
  const walk = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/') && !refs.has(value)) {
        refs.add(value);
        walk(resolvePointer(doc, value));
      } else {
        walk(value);
      }
    }
  };
  const keptPaths = Object.fromEntries(paths.map((p) => [p, doc.paths[p]!]));
  walk(keptPaths);
  const components: Record<string, Record<string, Json>> = { securitySchemes: doc.components?.securitySchemes ?? {} };
  for (const ref of refs) {
    const [, section, key] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? [];
    if (!section || !key || key.includes('/')) throw new Error(`unexpected $ref ${ref}`);
    (components[section] ??= {})[key] = doc.components![section]![key]!;
  }
  const out = join(dir, name);
  writeFileSync(out, JSON.stringify({ ...doc, paths: keptPaths, components }));
  return out;
}
