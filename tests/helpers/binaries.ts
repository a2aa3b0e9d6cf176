// Tests that need a server binary skip with a printed reason when it is missing, except under CI=true, where a
// missing binary fails the run (CI installs every package the tests need).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function findBinary(name: string, extraDirs: readonly string[] = []): string | undefined {
  for (const dir of extraDirs) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** True when the tests may run; prints why they skip; throws under CI=true. */
export function requireBinaries(what: string, found: Record<string, string | undefined>): boolean {
  const missing = Object.entries(found)
    .filter(([, path]) => !path)
    .map(([name]) => name);
  if (missing.length === 0) return true;
  const reason = `${what}: skipped, missing ${missing.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(`${reason} — CI must install it (.ci/run)`);
  console.warn(reason);
  return false;
}

/** A precondition other than a binary (root, a clean crontab, a working systemd-analyze): same rule. */
export function requireCondition(what: string, holds: boolean, missing: string): boolean {
  if (holds) return true;
  const reason = `${what}: skipped, ${missing}`;
  if (process.env.CI === 'true') throw new Error(`${reason} — CI must provide it`);
  console.warn(reason);
  return false;
}
