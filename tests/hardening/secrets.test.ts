// One run with every kind of secret configured and every target failing in a way that echoes its secret back:
// every byte snapshotter writes (stdout, stderr, log file, manifests, metrics, notification bodies, dry-run plans,
// config check, list, status, notify --test) is collected, and no secret value appears in any of it.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { mainInProcess } from '../helpers/in-process.js';
import { tmpDir } from '../helpers/tmp.js';

const SECRETS = {
  pgPassword: 'pg-pass-S3cr3t-0001',
  doToken: 'do-token-S3cr3t-0002',
  hzToken: 'hz-token-S3cr3t-0003',
  promBearer: 'prom-bearer-S3cr3t-0004',
  promBasic: 'basic-pass-S3cr3t-0005',
  headerValue: 'hdr-value-S3cr3t-0006',
  telegramToken: '123456:tg-token-S3cr3t-0007',
  hookPath: 'hook-path-S3cr3t-0008',
  urlPassword: 'url-pass-S3cr3t-0009',
  hcUuid: 'hc-uuid-S3cr3t-0010',
};
const LEAKY_DOCKER = fileURLToPath(new URL('../fixtures/leaky/docker', import.meta.url));

const bodies: string[] = [];
let server: Server;
let base: string;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

beforeAll(async () => {
  // Every endpoint fails and echoes what it was sent (URL and Authorization) back into its error message.
  server = createServer((req, res) => void answer(req, res));
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    bodies.push(body);
    const echo = `${req.url} ${req.headers.authorization ?? ''}`;
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.url!.startsWith('/do/')) return json(401, { id: 'unauthorized', message: `bad credentials ${echo}` });
    if (req.url!.startsWith('/hz/')) return json(401, { error: { code: 'unauthorized', message: `bad ${echo}` } });
    if (req.url!.startsWith('/prom')) return json(500, { status: 'error', errorType: 'internal', error: `no ${echo}` });
    if (req.url!.startsWith('/tg/')) return json(401, { ok: false, error_code: 401, description: `Unauthorized ${echo}` });
    if (req.url!.startsWith('/hc/')) return json(200, { ok: true });
    return json(500, { error: `hook refused ${echo} ${String(req.headers['x-api-key'] ?? '')}` });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function writeConfig(dir: string): string {
  mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
  writeFileSync(join(dir, 'secrets', 'pg'), `${SECRETS.pgPassword}\n`);
  writeFileSync(join(dir, 'secrets', 'hz'), SECRETS.hzToken);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.txt'), 'data\n');
  const port = base.split(':').at(-1);
  const config = join(dir, 'snapshotter.yaml');
  writeFileSync(
    config,
    `backup_dir: ${dir}/backups
log: { file: ${dir}/log/snapshotter.log, level: debug }
metrics: { textfile: ${dir}/metrics/snapshotter.prom }
targets:
  - { name: files, type: filesystem, paths: [${dir}/src] }
  - name: db
    type: postgres
    container: pg
    docker_command: ${LEAKY_DOCKER}
    password_file: ${dir}/secrets/pg
  - { name: prom-bearer, type: prometheus, url: ${base}/prom1, data_dir: ${dir}, bearer_token: ${SECRETS.promBearer} }
  - name: prom-basic
    type: prometheus
    url: ${base}/prom2
    data_dir: ${dir}
    basic_auth: { username: backup, password: ${SECRETS.promBasic} }
    headers: { X-Scope-OrgID: ${SECRETS.headerValue} }
  - { name: droplet, type: digitalocean, droplet_id: 7, token: "\${DO_TOKEN}", api_url: ${base}/do, retries: 0 }
  - { name: server, type: hetzner, server_id: 8, token_file: ${dir}/secrets/hz, api_url: ${base}/hz/v1, retries: 0 }
notifications:
  deadline: 20s
  defaults: { retries: 0, timeout: 5s }
  webhooks:
    - url: http://n8n:${SECRETS.urlPassword}@127.0.0.1:${port}/hook/${SECRETS.hookPath}
      headers: { X-Api-Key: ${SECRETS.headerValue} }
      events: [backup_start, backup_success, backup_partial_failure, backup_critical_failure]
  telegram:
    - { bot_token: "\${TG_TOKEN}", chat_id: "-100123", api_url: ${base}/tg }
  healthchecks:
    - url: ${base}/hc/${SECRETS.hcUuid}
`,
  );
  chmodSync(config, 0o600);
  return config;
}

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path.endsWith('/secrets') || path.endsWith('snapshotter.yaml')) continue;
    if (statSync(path).isDirectory()) out.push(...filesBelow(path));
    else out.push(path);
  }
  return out;
}

/**
 * The forms a secret can leak in: as is, URL-encoded, JSON-escaped, and base64 (an Authorization: Basic header, a
 * data URL) at each of the three alignments inside a longer encoded text — the part of the encoding that does
 * not depend on the neighbouring bytes.
 */
function leakForms(secret: string): Set<string> {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  for (const pad of ['', 'x', 'xx']) {
    for (const alphabet of ['base64', 'base64url'] as const) {
      const encoded = Buffer.from(pad + secret).toString(alphabet);
      forms.add(encoded.slice(pad.length === 0 ? 0 : 4, -4)); // drop the groups that mix in the neighbours
    }
  }
  return forms;
}

describe('secrets', () => {
  it('appear in no byte snapshotter writes, on success and on every failure path', async () => {
    const dir = tmpDir();
    const config = writeConfig(dir);
    const env = { DO_TOKEN: SECRETS.doToken, TG_TOKEN: SECRETS.telegramToken };
    const outputs: string[] = [];
    const run = async (args: string[], inProcess = false) => {
      const result = inProcess ? await mainInProcess(args, env) : await runCli(args, { env });
      outputs.push(`$ ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
      return result;
    };

    const real = await run(['run', '-c', config]);
    expect(real.exitCode).toBe(2);
    const json = await run(['run', '-c', config, '--json', '--log-level', 'trace']);
    const report = JSON.parse(json.stdout);
    expect(report.targets.map((t: { status: string }) => t.status)).toEqual(['success', ...Array(5).fill('failure')]);
    // Every failure says what failed, precisely, with each secret masked.
    const quote = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const notTsdb = `data_dir ${dir} does not look like a Prometheus TSDB (no ${dir}/wal): data_dir must be the host path of Prometheus' --storage.tsdb.path`;
    const doPath = '/do/v2/droplets/7/snapshots?page=1&per_page=200';
    expect(report.targets.map((t: { error: string | null }) => t.error)).toEqual([
      null,
      `pg_dumpall failed: \`PGPASSWORD=*** ${LEAKY_DOCKER} exec -e PGPASSWORD pg pg_dumpall --username postgres --no-password\` exited with code 1: FATAL: password authentication failed (PGPASSWORD=***) argv: exec -e PGPASSWORD pg pg_dumpall --username postgres --no-password`,
      notTsdb,
      notTsdb,
      `listing the snapshots of droplet 7: GET ${base}${doPath}: HTTP 401 unauthorized: bad credentials ${doPath} Bearer ***`,
      expect.stringMatching(
        new RegExp(
          `^creating snapshot server-\\d{8}T\\d{6}Z of server 8: POST ${quote(base)}/hz/v1/servers/8/actions/create_image: HTTP 401 unauthorized: bad /hz/v1/servers/8/actions/create_image Bearer \\*\\*\\*$`,
        ),
      ),
    ]);
    await run(['run', '--dry-run', '-c', config]);
    await run(['run', '--dry-run', '--json', '-c', config]);
    // The commands that start no run go through main() in this process: the same code writing to the same kind
    // of streams (captured here whole), without a CLI start-up each.
    await run(['config', 'check', '-c', config], true);
    await run(['config', 'check', '--json', '-c', config], true);
    await run(['notify', '--test', '-c', config]);
    await run(['list', '-c', config], true);
    await run(['status', '-c', config, '--json'], true);

    const written = filesBelow(dir).map((path) => `== ${path}\n${readFileSync(path, 'utf8')}`);
    expect(written.some((text) => text.startsWith(`== ${dir}/log/snapshotter`))).toBe(true);
    expect(written.some((text) => text.includes('.tar.gz.json'))).toBe(true);
    expect(written.some((text) => text.includes('snapshotter.prom'))).toBe(true);
    expect(bodies.length).toBeGreaterThan(5);

    const everything = [...outputs, ...written, ...bodies].join('\n');
    // The failure paths really saw the secrets echoed back (so masking, not silence, kept them out).
    expect(everything).toContain('PGPASSWORD=***');
    for (const [what, secret] of Object.entries(SECRETS)) {
      for (const form of leakForms(secret)) {
        const at = everything.indexOf(form);
        expect(at, `${what} leaked: ...${everything.slice(Math.max(0, at - 300), at + 80)}`).toBe(-1);
      }
    }
  }, 180_000);
});
