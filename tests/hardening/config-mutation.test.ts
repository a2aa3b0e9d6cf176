// Property: whatever a valid config is mutated into, loading it either succeeds or fails with a ConfigError
// that names the file and a line:column — never another exception, never a stack trace.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/util/errors.js';
import { tmpDir } from '../helpers/tmp.js';

const VALID = {
  backup_dir: '/srv/backups',
  concurrency: 2,
  log: { level: 'info', max_size: '10m', max_files: 5 },
  defaults: { timeout: '2h', retention: { keep_last: 7 }, compression_level: 6, verify_after_write: true },
  targets: [
    { name: 'app-config', type: 'filesystem', paths: ['/etc/nginx'], exclude: ['**/*.tmp'] },
    { name: 'logs', type: 'filesystem', paths: ['/var/log'], retention: { keep_daily: 7, keep_within: '2d' } },
  ],
};

type Json = unknown;
type Path = (string | number)[];

function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function mutate(value: Json, path: Path, replacement: unknown): Json {
  if (path.length === 0) return replacement === DELETE ? null : replacement;
  const [head, ...rest] = path;
  const copy: Record<string | number, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as object) };
  if (rest.length === 0 && replacement === DELETE) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete (copy as Record<string, unknown>)[head as string];
    return copy;
  }
  (copy as Record<string | number, unknown>)[head!] = mutate(
    (value as Record<string | number, unknown>)[head!],
    rest,
    replacement,
  );
  return copy;
}

const DELETE = Symbol('delete');
const strange = fc.oneof(
  fc.constant(DELETE),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string(),
  fc.constant('${SNAPSHOTTER_PROPERTY_UNSET}'),
  fc.constant('../../etc'),
  fc.constant('a; rm -rf /'),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string(), { maxKeys: 3 }),
);

describe('mutated configs', () => {
  it('load or fail with a ConfigError naming file and line', () => {
    const dir = tmpDir();
    const file = join(dir, 'snapshotter.yaml');
    const all = paths(VALID);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(all.length - 1), strange), { minLength: 1, maxLength: 3 }), (mutations) => {
        let config: Json = VALID;
        for (const [index, replacement] of mutations) {
          const target = all[index]!;
          try {
            config = mutate(config, target, replacement);
          } catch {
            // the path no longer exists after an earlier mutation: skip it
          }
        }
        writeFileSync(file, stringify(config));
        try {
          loadConfig(file, {});
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const message = (error as Error).message;
          // Every line names the file, and the line:column wherever the problem sits below the top level.
          for (const line of message.split('\n')) {
            expect(line.startsWith(file)).toBe(true);
            if (!line.startsWith(`${file}: `)) expect(line).toMatch(/^[^:]+:\d+:\d+: /);
          }
          expect(message).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 300 },
    );
  });
});
