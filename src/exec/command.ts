// A command as data: program, argument array and the extra environment the child gets. Secrets travel in `env`,
// never in `args`; the display form shows env names with masked values so plans and errors stay safe.
import { MASK, type Redactor } from '../util/redact.js';

export interface CommandSpec {
  /** The program: a name looked up on PATH, or a path. */
  file: string;
  args: readonly string[];
  /** Added to the child's environment (secrets go here). */
  env?: Readonly<Record<string, string>>;
  /** Names in `env` whose values are secrets: shown as `***`. Every value also passes the redactor. */
  secretEnv?: readonly string[];
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for display the way a POSIX shell would read it (display only: nothing is run through a shell). */
export function quoteWord(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line a person would type, env first, secrets masked: `PGPASSWORD=*** docker exec ...`. */
export function formatCommand(spec: CommandSpec, redactor?: Redactor): string {
  const secret = new Set(spec.secretEnv ?? []);
  const env = Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${secret.has(key) ? MASK : quoteWord(value)}`);
  const line = [...env, quoteWord(spec.file), ...spec.args.map(quoteWord)].join(' ');
  return redactor ? redactor.redact(line) : line;
}
