// The target registry agrees with itself: registry key = folder name = the schema's `type` literal = the lazily
// loaded module's type, and every target folder is registered (a folder nobody registered is a target that silently
// cannot be configured).
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { targetRegistry } from '../../src/targets/registry.js';

const TARGETS = fileURLToPath(new URL('../../src/targets/', import.meta.url));

describe('target registry', () => {
  it.each(Object.entries(targetRegistry))('%s: folder, module type and schema literal agree', async (key, module) => {
    expect(existsSync(`${TARGETS}${key}/index.ts`)).toBe(true);
    expect(existsSync(`${TARGETS}${key}/schema.ts`)).toBe(true);
    expect(module.type).toBe(key);
    const loaded = await module.load();
    expect(loaded.type).toBe(key);
    expect(loaded.schema).toBe(module.schema);
    const typeIssue = (type: string) =>
      module.schema.safeParse({ type }).error?.issues.some((issue) => issue.path.length === 1 && issue.path[0] === 'type');
    expect(typeIssue(key), `the schema accepts type: ${key}`).toBe(false);
    expect(typeIssue(`${key}-other`), 'the schema rejects another type').toBe(true);
  });

  it('every target folder is in the registry', () => {
    const folders = readdirSync(TARGETS, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
      .map((e) => e.name)
      .sort();
    expect(folders).toEqual(Object.keys(targetRegistry).sort());
  });
});
