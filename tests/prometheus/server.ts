// A real Prometheus for tests: 127.0.0.1, a free port, a temporary TSDB, scraping itself every second.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { freePort } from '../helpers/net.js';

export interface TestPrometheus {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function query(url: string, expr: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`).catch(() => undefined);
  if (!res?.ok) return 0;
  const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
  return Number(body.data?.result?.[0]?.value?.[1] ?? 0);
}

/** Starts Prometheus and waits until it holds `samples` scrapes of itself. */
export async function startPrometheus(binary: string, options: { admin: boolean; samples?: number }): Promise<TestPrometheus> {
  const root = mkdtempSync(join(tmpdir(), 'snapshotter-prom-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = join(root, 'data');
  writeFileSync(
    join(root, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: self\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`,
  );
  const args = [
    `--config.file=${join(root, 'prometheus.yml')}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...(options.admin ? ['--web.enable-admin-api'] : []),
  ];
  const child: ResultPromise = execa(binary, args, {
    cwd: root,
    reject: false,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await child;
    rmSync(root, { recursive: true, force: true });
  };
  const until = Date.now() + 30_000;
  const wanted = options.samples ?? 3;
  while ((await query(url, 'count_over_time(up[1m])')) < wanted) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`Prometheus on ${url} did not start or scrape: ${String((await child).stderr)}`);
    }
    await sleep(250);
  }
  return { url, dataDir, stop };
}
