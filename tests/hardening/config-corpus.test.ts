// A corpus of broken configs (tests/fixtures/bad-configs, each names the message it expects in its first line):
// every one exits 78 with a message that names the place, and never a stack trace.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const CORPUS = fileURLToPath(new URL('../fixtures/bad-configs/', import.meta.url));
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('broken configs exit 78 and name the place', () => {
  it('has a corpus of at least 40 broken configs', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)('%s', async (file) => {
    const path = join(CORPUS, file);
    const expected = /^# expect: (.*)$/m.exec(readFileSync(path, 'utf8'))?.[1];
    expect(expected, 'first line: # expect: <regex>').toBeDefined();
    const result = await runCli(['config', 'check', '-c', path], { env: { SNAPSHOTTER_CORPUS_UNSET: undefined } });
    expect(result.exitCode, result.stderr).toBe(78);
    expect(result.stderr).toContain(path);
    expect(result.stderr).toMatch(new RegExp(expected!));
    expect(result.stderr).not.toMatch(/\n\s+at |TypeError|ReferenceError/);
    expect(result.stdout).toBe('');
  });
});
