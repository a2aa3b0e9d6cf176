// scripts/install.sh: a server install holds the runtime dependencies only (no compiler, test runner, linter or
// Prism) at the lock file's versions, and the installed command backs up without anything from the checkout.
// The checkout's existing build is packed (--from-build) and dependencies come from npm's cache (--offline):
// tests reach no registry.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/install.sh', import.meta.url));
const LOCK = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { version: string; dev?: boolean }>;
};

describe('install.sh', () => {
  it('installs the packed package with exactly its runtime dependencies, and the command runs', async () => {
    const prefix = tmpDir();
    const install = await execa('bash', [SCRIPT, '--from-build', '--offline', '--prefix', prefix], {
      reject: false,
      timeout: 240_000,
    });
    expect(install.exitCode, install.stderr).toBe(0);

    const modules = join(prefix, 'lib', 'snapshotter', 'node_modules');
    const installed = readdirSync(modules).filter((name) => !name.startsWith('.'));
    for (const dev of ['vitest', 'typescript', 'eslint', 'prettier', '@stoplight', 'fast-check']) {
      expect(installed, dev).not.toContain(dev);
    }
    // The lock file's version of every runtime dependency, never a newer one resolved at install time.
    const execaVersion = JSON.parse(readFileSync(join(modules, 'execa', 'package.json'), 'utf8')) as { version: string };
    expect(execaVersion.version).toBe(LOCK.packages['node_modules/execa']!.version);
    expect(existsSync(join(prefix, 'lib', 'snapshotter', 'src'))).toBe(false);

    const bin = join(prefix, 'bin', 'snapshotter');
    const data = join(tmpDir(), 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'hello.txt'), 'hello\n');
    const work = tmpDir();
    writeFileSync(
      join(work, 'snapshotter.yaml'),
      `backup_dir: ./backups\ntargets:\n  - name: data\n    type: filesystem\n    paths: [${JSON.stringify(data)}]\n`,
    );
    const run = await execa(bin, ['run', '-c', join(work, 'snapshotter.yaml')], { reject: false, cwd: work });
    expect(run.exitCode, run.stderr).toBe(0);
    const archives = readdirSync(join(work, 'backups', 'data')).filter((n) => n.endsWith('.tar.gz'));
    expect(archives).toHaveLength(1);
  }, 300_000);
});
