// Start-up rows of `npm run bench`: what an operator waits for before any work starts (`snapshotter --version`
// in a script, `snapshotter config check` of the full example in a monitoring check). Median wall of 10 runs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure } from './measure.mjs';

const RUNS = 10;

// Every ${VAR} the full example uses, with a harmless value; its *_file secrets are rewritten into the bench dir.
const ENV = {
  DO_TOKEN: 'bench-do-token',
  DROPLET_ID: '1',
  HCLOUD_TOKEN: 'bench-hcloud-token',
  HC_CHECK_UUID: 'bench-uuid',
  N8N_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
  PGPASSWORD: 'bench',
  PG_BACKUP_PASSWORD: 'bench',
  PROMETHEUS_PASSWORD: 'bench',
  PROMETHEUS_TOKEN: 'bench',
  TELEGRAM_BOT_TOKEN: '1:bench',
};

/** The full example, runnable here: /run/secrets/* files made in `dir`. */
function fullConfig(root, dir) {
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets, { recursive: true });
  const text = readFileSync(join(root, 'config', 'snapshotter.full.yaml'), 'utf8');
  for (const [, name] of text.matchAll(/\/run\/secrets\/([\w.-]+)/g)) writeFileSync(join(secrets, name), 'bench-secret\n');
  const path = join(dir, 'snapshotter.full.yaml');
  writeFileSync(path, text.replaceAll('/run/secrets/', `${secrets}/`), { mode: 0o600 });
  return path;
}

async function median(cmd, args, options) {
  const results = [];
  for (let i = 0; i < RUNS; i += 1) {
    results.push(await measure(cmd, args, options)); // rejects on a non-zero exit
  }
  results.sort((a, b) => a.wall - b.wall);
  return results[RUNS >> 1];
}

/** Adds the two start-up rows through `row(tree, task, tool, result)`. */
export async function benchStartup(row, { root, bin, dir }) {
  const options = { env: { ...process.env, ...ENV } };
  row('-', 'start-up', 'snapshotter --version', await median(process.execPath, [bin, '--version'], options));
  const config = fullConfig(root, dir);
  row(
    '-',
    'start-up',
    'snapshotter config check (full example)',
    await median(process.execPath, [bin, 'config', 'check', '-c', config], options),
  );
}
