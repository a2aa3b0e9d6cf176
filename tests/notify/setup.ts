// Config files for notification tests: filesystem targets that succeed (`db_main-1.prod`, an existing folder)
// or fail (`broken`, only a missing path whose name holds `<tag> & "quotes"`), a log file, and notifications.
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tmpDir } from '../helpers/tmp.js';

export const NASTY = '<tag> & "quotes"';
export type Outcome = 'success' | 'partial' | 'failure';
export const EXIT_FOR: Record<Outcome, number> = { success: 0, partial: 2, failure: 1 };

export interface Fixture {
  dir: string;
  config: string;
  logDir: string;
  /** Every log line written to the log file(s). */
  log(): string;
}

/** Writes a config whose targets produce `outcome`, with the given `notifications:` section. */
export function fixture(outcome: Outcome, notifications: unknown, extra: Record<string, unknown> = {}): Fixture {
  const dir = tmpDir('snapshotter-notify-');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'a.txt'), 'hello\n');
  const ok = { name: 'db_main-1.prod', type: 'filesystem', paths: [join(dir, 'data')] };
  const broken = { name: 'broken', type: 'filesystem', paths: [join(dir, `missing ${NASTY}`)] };
  const targets = outcome === 'success' ? [ok] : outcome === 'failure' ? [broken] : [ok, broken];
  const logDir = join(dir, 'log');
  const config = join(dir, 'snapshotter.yaml');
  writeFileSync(
    config,
    stringify({
      backup_dir: join(dir, 'backups'),
      hostname: 'web-01',
      log: { level: 'debug', file: join(logDir, 'snapshotter.log') },
      targets,
      notifications,
      ...extra,
    }),
    { mode: 0o600 },
  );
  return {
    dir,
    config,
    logDir,
    log: () =>
      existsSync(logDir)
        ? readdirSync(logDir)
            .map((f) => readFileSync(join(logDir, f), 'utf8'))
            .join('')
        : '',
  };
}
