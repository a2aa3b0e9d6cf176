// Shared by the postgres tests: the docker stand-in on PATH, what it recorded, where the archive landed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_BIN = fileURLToPath(new URL('../fixtures/bin', import.meta.url));
export const PASSWORD = 'Pg-s3cret-9f2Kq';

/** The environment of a snapshotter run: the docker stand-in first on PATH, containers as the stand-in reads them. */
export function runEnv(dir: string, containers: Record<string, unknown>, extraPath = ''): Record<string, string | undefined> {
  return {
    PATH: `${FAKE_BIN}:${extraPath ? `${extraPath}:` : ''}${process.env.PATH ?? ''}`,
    DOCKER_FAKE_CONTAINERS: JSON.stringify(containers),
    DOCKER_FAKE_LOG: join(dir, 'docker-argv.jsonl'),
    PGPASSWORD: undefined,
    PGHOST: undefined,
    PGPORT: undefined,
  };
}

export interface DockerCall {
  argv: string[];
  pid: number;
  pgpassword_in_env: boolean;
}

/** Every call the docker stand-in received, in order. */
export function dockerCalls(dir: string): DockerCall[] {
  const file = join(dir, 'docker-argv.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as DockerCall);
}

export function archiveOf(dir: string, target: string): string {
  const name = readdirSync(join(dir, 'backups', target)).find((n) => n.endsWith('.sql.gz'));
  if (!name) throw new Error(`no archive for ${target}`);
  return join(dir, 'backups', target, name);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
