// A corpus of broken configs (tests/fixtures/bad-configs, each names the message it expects in its first line):
// every one exits 78 with a message that names the place, and never a stack trace. The corpus runs through the
// CLI's main() in-process (same parsing, same error-to-exit-code mapping); one file also runs as a process.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';

const CORPUS = fileURLToPath(new URL('../fixtures/bad-configs/', import.meta.url));
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const ENV = { SNAPSHOTTER_CORPUS_UNSET: undefined };

function expectNamesThePlace(file: string, result: CliResult): void {
  const path = join(CORPUS, file);
  const expected = /^# expect: (.*)$/m.exec(readFileSync(path, 'utf8'))?.[1];
  if (expected === undefined) throw new Error(`${file}: first line must be # expect: <regex>`);
  expect(result.exitCode, result.stderr).toBe(78);
  expect(result.stderr).toContain(path);
  expect(result.stderr).toMatch(new RegExp(expected));
  expect(result.stderr).not.toMatch(/\n\s+at |TypeError|ReferenceError/);
  expect(result.stdout).toBe('');
}

describe('broken configs exit 78 and name the place', () => {
  it('has a corpus of at least 40 broken configs', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)('%s', async (file) => {
    expectNamesThePlace(file, await mainInProcess(['config', 'check', '-c', join(CORPUS, file)], ENV));
  });

  it('the snapshotter process says the same and exits 78', async () => {
    const file = files.find((f) => f.includes('unknown-key')) ?? files[0]!;
    expectNamesThePlace(file, await runCli(['config', 'check', '-c', join(CORPUS, file)], { env: ENV }));
  });
});
