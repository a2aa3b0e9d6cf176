// Typed errors. Each keeps its cause; the CLI maps them to exit codes in one place.

/** A usage error: unknown command, option or target name (exit 64). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The config file is missing, unreadable, not YAML or invalid (exit 78). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Another run holds the lock (exit 3). */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
}

/** The message of any thrown value, with its causes chained. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error && !error.message.includes(cause.message)) {
    return `${error.message}: ${errorMessage(cause)}`;
  }
  return error.message;
}
