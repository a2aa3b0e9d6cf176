// Errors of cloud targets that say which step failed (listing, creating, deleting) and keep the HTTP error as cause.
import { errorMessage } from '../../util/errors.js';

export class CloudStepError extends Error {
  override readonly name = 'CloudStepError';
}

/** Runs one step; a failure becomes `<what>: <reason>` with the original error as its cause. */
export async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CloudStepError) throw error;
    throw new CloudStepError(`${what}: ${errorMessage(error)}`, { cause: error });
  }
}
