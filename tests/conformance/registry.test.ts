// The suite covers every registered type, and a type stays inside its folder: engine program names appear in src/
// only in their own target's folder, and secret keys come from the type that declares them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../src/config/secrets.js';
import { NOTIFIER_KINDS, notifierModule } from '../../src/notifiers/registry.js';
import { TARGET_TYPES } from '../../src/targets/registry.js';
import { MASK, Redactor } from '../../src/util/redact.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Engine program names and the one target folder each may appear in. */
const ENGINES: Record<string, string> = {
  pg_dump: 'postgres',
  pg_restore: 'postgres',
  psql: 'postgres',
  mysqldump: 'mysql',
  mariadb: 'mysql',
  'redis-cli': 'redis',
  sqlite3: 'sqlite',
  promtool: 'prometheus',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('conformance coverage', () => {
  it.each(TARGET_TYPES)('%s has a conformance fixture', (type) => {
    const file = join(HERE, `${type}.test.ts`);
    expect(existsSync(file), `tests/conformance/${type}.test.ts is missing: every registered type needs one`).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(`type: '${type}'`);
  });

  it('names engine programs only in their own target folder (code and comments)', () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const rel = relative(SRC, file);
      const text = readFileSync(file, 'utf8');
      for (const [engine, owner] of Object.entries(ENGINES)) {
        if (!rel.startsWith(`targets/${owner}/`) && text.includes(engine)) found.push(`${rel}: ${engine}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('secret keys from the registries', () => {
  it('every notifier declares its secret keys, and they are masked with those of remotes', () => {
    for (const kind of NOTIFIER_KINDS) expect(notifierModule(kind).secrets.length, kind).toBeGreaterThan(0);
    const config = {
      notifications: {
        telegram: [{ bot_token: '123:tg-secret', chat_id: 1, api_url: 'https://api.telegram.org' }],
        webhooks: [{ url: 'https://hooks.example/T0123456789', headers: { 'X-Key': 'hdr-secret' }, method: 'POST' }],
        healthchecks: [{ url: 'https://hc.example/ping/0f3c5e3a-uuid' }],
      },
      remotes: [{ name: 'offsite', type: 's3', bucket: 'b', access_key_id: 'AKIA-id', secret_access_key: 's3-secret' }],
    };
    expect(maskSecrets(config, new Redactor())).toEqual({
      notifications: {
        telegram: [{ bot_token: MASK, chat_id: 1, api_url: 'https://api.telegram.org' }],
        webhooks: [{ url: MASK, headers: { 'X-Key': MASK }, method: 'POST' }],
        healthchecks: [{ url: MASK }],
      },
      remotes: [{ name: 'offsite', type: 's3', bucket: 'b', access_key_id: MASK, secret_access_key: MASK }],
    });
  });
});
