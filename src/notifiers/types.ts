// The contract of a notifier kind: its entry schema and how it turns a view into one HTTP request. Sending,
// retries, the deadline and recording are shared (deliver.ts), so every notifier behaves the same on failure.
import type { z } from 'zod';
import type { HttpRequest } from '../http/client.js';
import type { NotificationDefaults } from './common.js';
import type { Values } from './template.js';
import type { RunView } from './view.js';

/** The keys every entry has after parsing (each optional: `notifications.defaults` fills the gaps). */
export interface EntryBase {
  name?: string | undefined;
  events?: readonly string[] | undefined;
  targets?: readonly string[] | undefined;
  timeout?: number | undefined;
  retries?: number | undefined;
  per?: 'run' | 'target' | undefined;
}

export interface ComposeContext {
  defaults: NotificationDefaults;
  /** Placeholder values of the view, secrets already masked. */
  values: Values;
  /** Masks secrets in any text that leaves the process. */
  redact: (text: string) => string;
}

/** One message, ready to send. */
export interface Outgoing {
  request: HttpRequest;
  /** The rendered text or payload, as a dry run shows it. */
  preview: string;
  /** URLs derived from secret ones (with a suffix, without credentials): masked like the originals. */
  secrets: string[];
  /** Reads a 2xx response body: null when the message was accepted, else why not. */
  rejected?(body: unknown): string | null;
}

export interface NotifierModule<C extends EntryBase> {
  /** The key under `notifications:`. */
  kind: string;
  schema: z.ZodType<C>;
  /**
   * Keys of an entry whose values are secrets (`bot_token`, `url`, `headers.*`): masked everywhere and accepted as
   * `<key>_file`.
   */
  secrets: readonly string[];
  /** Whether entries may ask for one message per target (`per: target`). */
  perTarget: boolean;
  compose(entry: C, view: RunView, ctx: ComposeContext): Outgoing;
}

/** Identity helper that keeps an entry's config type attached to its module. */
export function defineNotifier<C extends EntryBase>(module: NotifierModule<C>): NotifierModule<C> {
  return module;
}
