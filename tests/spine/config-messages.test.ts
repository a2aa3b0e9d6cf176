// Config mistakes an operator makes on the first day, answered in the config's own terms (loaded in-process).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configCheckCommand } from '../../src/commands/config-check.js';
import { loadConfig } from '../../src/config/load.js';
import { tmpDir } from '../helpers/tmp.js';

function configError(yaml: string, env: NodeJS.ProcessEnv = {}): string {
  const file = join(tmpDir(), 'snapshotter.yaml');
  writeFileSync(file, yaml);
  try {
    loadConfig(file, env);
  } catch (error) {
    return (error as Error).message.replaceAll(file, 'c.yaml');
  }
  throw new Error('the config loaded');
}

describe('environment variables', () => {
  it('reports every missing variable at once, telling an empty one from an unset one', () => {
    const message = configError(
      'backup_dir: ${BDIR}\ntargets:\n  - name: a\n    type: digitalocean\n    droplet_id: ${DID}\n    token: ${TOK}\n',
      { DID: '' },
    );
    expect(message.split('\n')).toEqual([
      'c.yaml:1:13: backup_dir: environment variable BDIR is not set (write ${BDIR:-default} for a default)',
      'c.yaml:5:17: targets[0].droplet_id: environment variable DID is set but empty (write ${DID:-default} for a default)',
      'c.yaml:6:12: targets[0].token: environment variable TOK is not set (write ${TOK:-default} for a default)',
    ]);
  });
});

describe('messages in config terms', () => {
  it('says what kind of value was expected and what was found', () => {
    const message = configError(
      'backup_dir: /x\ndefaults:\n  max_age: 26\ntargets:\n  - { name: a, type: filesystem, paths: /etc }\n',
    );
    expect(message).toContain(
      'c.yaml:3:12: defaults.max_age: expected a duration such as 26h, 26m or 26d (a number alone has no unit)',
    );
  });

  it('suggests the key that an unknown key is one typo away from, at any depth', () => {
    const message = configError(
      'backup_dir: /x\nconcurency: 2\nlog: { levle: info }\ntargets:\n  - { name: a, type: filesystem, paths: [/etc], exlude: [] }\n',
    );
    expect(message).toContain('c.yaml:2:1: concurency: unknown key "concurency" (did you mean "concurrency"?)');
    expect(message).toContain('log.levle: unknown key "levle" (did you mean "level"?)');
    const target = configError('backup_dir: /x\ntargets:\n  - { name: a, type: filesystem, paths: [/etc], exlude: [] }\n');
    expect(target).toContain('targets[0].exlude: unknown key "exlude" (did you mean "exclude"?)');
    const far = configError('backup_dir: /x\nbananas: 1\ntargets:\n  - { name: a, type: filesystem, paths: [/etc] }\n');
    expect(far).toContain('bananas: unknown key "bananas"');
    expect(far).not.toContain('did you mean');
  });

  it('says a list was expected where a single path was written', () => {
    const message = configError('backup_dir: /x\ntargets:\n  - { name: a, type: filesystem, paths: /etc }\n');
    expect(message).toContain('targets[0].paths: expected a list, got text');
  });
});

describe('config check output', () => {
  function check(file: string): string {
    let out = '';
    const io = {
      stdout: { write: (text: string) => ((out += text), true) },
      stderr: { write: () => true },
      env: {},
    } as unknown as Parameters<typeof configCheckCommand>[1];
    expect(configCheckCommand({ config: file }, io)).toBe(0);
    return out;
  }

  it('writes durations and sizes in config form, so the output can be fed back in', () => {
    const dir = tmpDir();
    const file = join(dir, 'snapshotter.yaml');
    writeFileSync(
      file,
      'backup_dir: /x\nlog: { max_size: 1536k }\ndefaults: { timeout: 90m, max_age: 26h }\n' +
        'targets:\n  - { name: a, type: filesystem, paths: [/etc], retention: { keep_within: 2w } }\n',
    );
    const out = check(file);
    expect(out).toContain('max_size: 1536k');
    expect(out).toContain('timeout: 90m');
    expect(out).toContain('max_age: 26h');
    expect(out).toContain('keep_within: 2w');
    expect(out).not.toMatch(/: \d{5,}\n/);
    const again = join(dir, 'again.yaml');
    writeFileSync(again, out);
    expect(parse(check(again))).toEqual(parse(out));
  });
});
