// contrib/systemd: the units carry the promised settings, and `systemd-analyze verify` accepts them once
// ExecStart points at this machine's node and checkout. Where systemd-analyze is missing or cannot verify even a
// trivial unit, the test is skipped with the reason it printed — except under CI=true, where that fails.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findBinary, requireBinaries, requireCondition } from '../helpers/binaries.js';
import { BIN } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const CONTRIB = fileURLToPath(new URL('../../contrib/systemd/', import.meta.url));
const service = readFileSync(join(CONTRIB, 'snapshotter.service'), 'utf8');
const timer = readFileSync(join(CONTRIB, 'snapshotter.timer'), 'utf8');

/** `Key=value` settings of one section (comments skipped); repeated keys keep every value. */
function section(text: string, name: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) current = header[1]!;
    else if (current === name) {
      const [key, ...value] = line.split('=');
      settings.set(key!, [...(settings.get(key!) ?? []), value.join('=')]);
    }
  }
  return settings;
}

describe('systemd units', () => {
  it('run once per timer tick with absolute paths and a hardened, read-only file system', () => {
    const s = section(service, 'Service');
    expect(s.get('Type')).toEqual(['oneshot']);
    const exec = s.get('ExecStart')![0]!.split(' ');
    expect(exec[0]).toMatch(/^\/.*\/node$/);
    expect(exec[1]).toMatch(/^\/.*\/bin\/snapshotter\.js$/);
    expect(exec.slice(2)).toEqual(['run', '-c', '/etc/snapshotter/snapshotter.yaml']);
    for (const [key, value] of [
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'read-only'],
      ['PrivateTmp', 'true'],
      ['NoNewPrivileges', 'true'],
    ]) {
      expect(s.get(key!), key).toEqual([value]);
    }
    expect(s.get('ReadWritePaths')![0]!.split(' ')).toEqual(expect.arrayContaining(['/srv/backups', '/var/log/snapshotter']));
    expect(service).toContain('docker.sock');

    const t = section(timer, 'Timer');
    expect(t.get('Persistent')).toEqual(['true']);
    expect(t.get('OnCalendar')).toHaveLength(1);
    expect(t.get('RandomizedDelaySec')).toHaveLength(1);
    expect(section(timer, 'Install').get('WantedBy')).toEqual(['timers.target']);
  });

  // CI installs systemd (.ci/run): there a missing or unusable systemd-analyze fails instead of skipping.
  const analyze = findBinary('systemd-analyze');
  it.runIf(requireBinaries('systemd-analyze verify of contrib/systemd', { 'systemd-analyze': analyze }))(
    'pass systemd-analyze verify',
    async (ctx) => {
      const verify = (...files: string[]) =>
        execa(analyze!, ['verify', ...files], { reject: false, env: { SYSTEMD_LOG_COLOR: '0' } });
      const probeDir = tmpDir();
      writeFileSync(join(probeDir, 'probe.service'), '[Service]\nType=oneshot\nExecStart=/bin/true\n');
      const probe = await verify(join(probeDir, 'probe.service'));
      const works = probe.exitCode === 0 && String(probe.stderr).trim() === '';
      const why = `it rejects even a trivial unit here: ${String(probe.stderr).trim()}`;
      if (!requireCondition('systemd-analyze verify', works, why)) ctx.skip();
      const dir = tmpDir();
      writeFileSync(
        join(dir, 'snapshotter.service'),
        service.replace(/^ExecStart=\S+ \S+/m, `ExecStart=${process.execPath} ${BIN}`),
      );
      writeFileSync(join(dir, 'snapshotter.timer'), timer);
      const result = await verify(join(dir, 'snapshotter.service'), join(dir, 'snapshotter.timer'));
      // Unknown or unparsable keys are only warnings for systemd-analyze: any line about our units fails the test.
      expect(`${result.exitCode}\n${String(result.stderr)}`.trim()).toBe('0');
    },
  );
});
