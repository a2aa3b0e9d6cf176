import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { formatCommand } from '../../src/exec/command.js';
import { ProcessError } from '../../src/exec/errors.js';
import { startProcess } from '../../src/exec/runner.js';
import { Redactor } from '../../src/util/redact.js';
import { tmpDir } from '../helpers/tmp.js';

const SECRET = 'hunter2-Zq9-secret';
const node = process.execPath;

function redactor(): Redactor {
  const r = new Redactor();
  r.add(SECRET);
  return r;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the process is gone within a second (init reaps an orphan shortly after it dies). */
async function goneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 20 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe('startProcess', () => {
  it('streams stdout and hands secrets to the child through its environment only', async () => {
    const spec = {
      file: node,
      args: ['-e', 'process.stdout.write(`len=${process.env.SECRET_PW.length} argv=${process.argv.slice(1).join(",")}`)'],
      env: { SECRET_PW: SECRET },
      secretEnv: ['SECRET_PW'],
    };
    const child = startProcess(spec, { signal: new AbortController().signal, redactor: redactor(), env: process.env });
    const out = await text(child.stdout);
    const exit = await child.succeeded();
    expect(out).toBe(`len=${SECRET.length} argv=`);
    expect(exit.exitCode).toBe(0);
    expect(child.command).toContain('SECRET_PW=***');
    expect(child.command).not.toContain(SECRET);
    expect(formatCommand({ file: 'docker', args: ['exec', 'a b', "it's"] })).toBe(`docker exec 'a b' 'it'\\''s'`);
  });

  it('fails with one error naming the command, the exit code and the end of stderr, secrets masked', async () => {
    const child = startProcess(
      { file: node, args: ['-e', `console.error("connecting with ${SECRET}"); console.error("fatal: boom"); process.exit(3)`] },
      { signal: new AbortController().signal, redactor: redactor(), env: process.env },
    );
    child.stdout.resume();
    const error = await child.succeeded().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessError);
    const message = (error as ProcessError).message;
    expect(message).toContain('exited with code 3');
    expect(message).toContain('fatal: boom');
    expect(message).toContain(`${node} -e`);
    expect(message).not.toContain(SECRET);
    expect(message).toContain('connecting with ***');
    expect((error as ProcessError).exitCode).toBe(3);
  });

  it('keeps only the last 64 KiB of stderr', async () => {
    const child = startProcess(
      {
        file: node,
        args: [
          '-e',
          'const b = "x".repeat(1023) + "\\n"; for (let i = 0; i < 2048; i++) process.stderr.write(b); process.stderr.write("THE END\\n")',
        ],
      },
      { signal: new AbortController().signal, redactor: redactor(), env: process.env },
    );
    child.stdout.resume();
    const exit = await child.exited;
    expect(exit.exitCode).toBe(0);
    expect(exit.stderr.length).toBeLessThanOrEqual(64 * 1024);
    expect(exit.stderr.length).toBeGreaterThan(60 * 1024);
    expect(exit.stderr.endsWith('THE END\n')).toBe(true);
  });

  it('on abort stops the child and what it started: SIGTERM, then SIGKILL after the grace', async () => {
    const dir = tmpDir();
    const pidFile = join(dir, 'grandchild.pid');
    const script = `
      const { spawn } = require('node:child_process');
      process.on('SIGTERM', () => {});
      const g = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'] });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      process.stdout.write('started\\n');
      setInterval(() => {}, 1000);`;
    const controller = new AbortController();
    const child = startProcess(
      { file: node, args: ['-e', script] },
      { signal: controller.signal, redactor: redactor(), env: process.env, killGraceMs: 300 },
    );
    child.stdout.once('data', () => controller.abort(new Error('timed out')));
    child.stdout.resume();
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.stopped).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await goneSoon(grandchild)).toBe(true);
    await expect(child.succeeded()).rejects.toThrow(/killed by SIGKILL \(stopped by snapshotter\)/);
  });

  it('says plainly when the program does not exist', async () => {
    const child = startProcess(
      { file: 'no-such-program-snapshotter', args: ['x'] },
      { signal: new AbortController().signal, redactor: redactor(), env: process.env },
    );
    const exit = await child.exited;
    expect(exit.spawnCode).toBe('ENOENT');
    await expect(child.succeeded()).rejects.toThrow(/`no-such-program-snapshotter x` could not start \(.*ENOENT/);
  });

  it('once stopped, returns when the child is gone although an escaped grandchild keeps stdout open', async () => {
    // The grandchild leaves the process group (setsid), so the group kill cannot reach it; it holds stdout.
    const controller = new AbortController();
    const child = startProcess(
      { file: 'sh', args: ['-c', 'setsid sleep 300 & echo $!; exec sleep 300'] },
      { signal: controller.signal, redactor: redactor(), env: process.env, killGraceMs: 300 },
    );
    const grandchild = await new Promise<number>((resolve) =>
      child.stdout.once('data', (b: Buffer) => resolve(Number(String(b).trim()))),
    );
    child.stdout.resume();
    controller.abort(new Error('timed out'));
    const exit = await child.exited;
    try {
      expect(exit.stopped).toBe(true);
      expect(exit.signal).toBe('SIGTERM');
      // The run went on while the grandchild is still alive and still holds the pipe.
      expect(alive(grandchild)).toBe(true);
    } finally {
      process.kill(grandchild, 'SIGKILL');
    }
  });

  it("gives the child a minimal environment and its own variables, never snapshotter's other secrets", async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: '/home/x',
      LC_ALL: 'C',
      TZ: 'UTC',
      OTHER_TARGET_PW: SECRET,
      TELEGRAM_TOKEN: 'tg-secret',
    };
    const child = startProcess(
      { file: 'cat', args: ['/proc/self/environ'], env: { PGPASSWORD: 'mine' }, secretEnv: ['PGPASSWORD'] },
      { signal: new AbortController().signal, redactor: new Redactor(), env },
    );
    const seen = Object.fromEntries(
      (await text(child.stdout))
        .split('\0')
        .filter(Boolean)
        .map((kv) => kv.split(/=(.*)/s, 2)),
    );
    await child.succeeded();
    expect(seen).toEqual({ PATH: process.env.PATH, HOME: '/home/x', LC_ALL: 'C', TZ: 'UTC', PGPASSWORD: 'mine' });
  });
});
