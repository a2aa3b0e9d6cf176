// No plaintext byte touches the disk during an encrypted backup: a dump that writes 4 MiB and then stalls is
// killed (SIGKILL) once its temporary archive is observed holding ciphertext, and everything left in the backup folder is scanned for the dump's text
// and for a bare gzip stream; the next run removes the leftover and writes a complete encrypted backup.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { findBinary, requireBinaries } from '../helpers/binaries.js';
import { runCli, startCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const enabled = requireBinaries('no-plaintext test', { 'age-keygen': findBinary('age-keygen') });
const TEXT = 'PLAINTEXT-MARKER-5d02';

/** A docker stand-in whose dump writes 4 MiB of hardly compressible lines, then stalls until `finish` exists. */
function stallingDocker(dir: string): string {
  const path = join(dir, 'docker');
  writeFileSync(
    path,
    `#!/usr/bin/env node
const { existsSync, writeFileSync } = require('node:fs');
writeFileSync(${JSON.stringify(join(dir, 'dump.pid'))}, String(process.pid));
const { randomBytes } = require('node:crypto');
const block = () => Array.from({ length: 4096 }, () => "INSERT INTO t VALUES ('${TEXT} " + randomBytes(48).toString('base64') + "');\\n").join('');
process.stdout.write('--\\n-- PostgreSQL database cluster dump\\n--\\n');
for (let i = 0; i < 16; i++) process.stdout.write(block());
if (existsSync(${JSON.stringify(join(dir, 'finish'))})) process.stdout.write('\\n--\\n-- PostgreSQL database cluster dump complete\\n--\\n\\n');
else setInterval(() => undefined, 1000);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** Every file in the folder: none holds the dump's text, none is a bare gzip stream; the names found. */
function assertNoPlaintext(folder: string): string[] {
  const names = readdirSync(folder);
  for (const name of names) {
    const bytes = readFileSync(join(folder, name));
    expect(bytes.includes(TEXT), name).toBe(false);
    expect(bytes.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b])), name).toBe(false);
    if (!name.endsWith('.json') && !name.endsWith('.sha256')) {
      expect(bytes.subarray(0, 22).toString(), name).toBe('age-encryption.org/v1\n');
    }
  }
  return names;
}

describe.skipIf(!enabled)('an encrypted backup killed in the middle', () => {
  it('leaves only ciphertext behind, and the next run completes', async () => {
    const dir = tmpDir();
    execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', join(dir, 'key.txt')], { encoding: 'utf8' }).trim();
    const config = join(dir, 'c.yaml');
    writeFileSync(
      config,
      `backup_dir: ${dir}/backups\ndefaults: { encryption: { age_recipients: [${recipient}] } }\n` +
        `targets:\n  - { name: db, type: postgres, container: pg, docker_command: ${stallingDocker(dir)} }\n`,
    );
    const folder = join(dir, 'backups', 'db');
    mkdirSync(folder, { recursive: true });
    const child = startCli(['run', '-c', config]);
    // Observed event: the temporary archive holds ciphertext well past the header (several chunks).
    const growing = (): boolean =>
      readdirSync(folder).some((n) => n.includes('.snapshotter-tmp-') && statSync(join(folder, n)).size > 300_000);
    while (!growing() && child.exitCode === null) await sleep(20);
    expect(child.exitCode, 'the backup ended before it was seen writing').toBeNull();
    child.kill('SIGKILL');
    await child;
    // The stalled dump outlived the killed run (as it would on a server); stop it by its pid.
    process.kill(Number(readFileSync(join(dir, 'dump.pid'), 'utf8')), 'SIGKILL');
    const left = assertNoPlaintext(folder);
    expect(left.some((n) => n.includes('.snapshotter-tmp-'))).toBe(true);

    writeFileSync(join(dir, 'finish'), '');
    const next = await runCli(['run', '-c', config]);
    expect(next.exitCode, next.stderr).toBe(0);
    const names = assertNoPlaintext(folder);
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.sql.gz.age'))).toHaveLength(1);
  }, 180_000);
});
