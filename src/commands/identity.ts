// The age identity for `verify` and `restore`: --identity FILE, else $SNAPSHOTTER_AGE_IDENTITY_FILE, else none.
import { IDENTITY_ENV, readIdentityFile, type AgeIdentity } from '../archive/decrypt.js';
import { errorMessage, UsageError } from '../util/errors.js';

export async function identityFrom(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<AgeIdentity | undefined> {
  const file = flag ?? (env[IDENTITY_ENV] || undefined);
  if (file === undefined) return undefined;
  try {
    return await readIdentityFile(file);
  } catch (error) {
    throw new UsageError(`${flag === undefined ? IDENTITY_ENV : '--identity'}: ${errorMessage(error)}`);
  }
}

/** The environment for child processes: they never learn where the identity lives. */
export function withoutIdentity(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [IDENTITY_ENV]: _identity, ...rest } = env;
  return rest;
}

/** What to pass when an encrypted archive must be read: the exact words restore and verify print. */
export const IDENTITY_HINT = `pass --identity FILE or set ${IDENTITY_ENV}`;
