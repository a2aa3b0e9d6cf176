// Finds a program the way the child's exec will (PATH lookup, or the path itself), so a dry run can say
// "docker not found" before a real run fails on it.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The full path of `file` on the PATH of `env`, or undefined when it is not there. */
export async function findProgram(file: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (file.includes('/')) return (await executable(file)) ? file : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, file);
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}
