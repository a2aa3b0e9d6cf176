// A folder with a source to back up and `rec`, a hook script that appends one line per call to events.log:
// its first argument and what snapshotter told it through SNAPSHOTTER_* (and whether the archive exists).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

export interface HookDir {
  dir: string;
  config: string;
  rec: string;
  /** The lines events.log holds so far (none when no hook ran). */
  events(): string[];
  write(yaml: string): void;
}

const REC = `#!/bin/sh
archive=none
if [ -n "$SNAPSHOTTER_ARCHIVE" ]; then
  if [ -f "$SNAPSHOTTER_ARCHIVE" ]; then archive=exists; else archive=missing; fi
fi
echo "$1 event=$SNAPSHOTTER_EVENT target=$SNAPSHOTTER_TARGET type=$SNAPSHOTTER_TYPE status=$SNAPSHOTTER_STATUS archive=$archive host=$SNAPSHOTTER_HOSTNAME" >> "$(dirname "$0")/events.log"
`;

export function hookDir(): HookDir {
  const dir = tmpDir('snapshotter-hooks-');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.txt'), 'a\n');
  const rec = join(dir, 'rec');
  writeFileSync(rec, REC);
  chmodSync(rec, 0o755);
  const config = join(dir, 'c.yaml');
  const log = join(dir, 'events.log');
  return {
    dir,
    config,
    rec,
    events: () => (existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n') : []),
    write: (yaml) => writeFileSync(config, yaml.replaceAll('$DIR', dir), { mode: 0o600 }),
  };
}

/** A fresh hook folder with `yaml` as its config ($DIR: the folder), and `snapshotter ARGS -c CONFIG` run on it. */
export async function hookRun(
  yaml: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ h: HookDir; result: CliResult }> {
  const h = hookDir();
  h.write(yaml);
  return { h, result: await runCli([...args, '-c', h.config], { env }) };
}
