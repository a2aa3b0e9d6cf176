// The `encryption` key (defaults or per target): age recipients given inline or in a file, or `none`. Parsed to
// the public keys the archive sink encrypts to; an invalid recipient is a config error naming its key and line.
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { isAgeRecipient } from './age-recipient.js';

export interface Encryption {
  format: 'age';
  recipients: string[];
}

/** Why a string is not an X25519 age recipient, or undefined when it is one. */
export function recipientProblem(text: string): string | undefined {
  if (!/^age1[02-9ac-hj-np-z]{58}$/.test(text)) {
    return `${JSON.stringify(text)} is not an age X25519 recipient (age1 followed by 58 characters, as age-keygen -y prints)`;
  }
  if (isAgeRecipient(text)) return undefined;
  return `${JSON.stringify(text)} is not a valid age recipient (its checksum does not match: a typo?)`;
}

const recipient = z.string().superRefine((text, ctx) => {
  const problem = recipientProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The recipients of a file: one a line, `#` comments and blank lines allowed (age's own -R format). */
function readRecipientsFile(path: string, ctx: z.RefinementCtx): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      path: ['age_recipients_file'],
      message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    });
    return [];
  }
  const recipients: string[] = [];
  let bad = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const problem = recipientProblem(line);
    if (problem)
      ctx.addIssue({ code: 'custom', path: ['age_recipients_file'], message: `${path} line ${index + 1}: ${problem}` });
    else recipients.push(line);
    if (problem) bad += 1;
  });
  if (recipients.length === 0 && bad === 0)
    ctx.addIssue({ code: 'custom', path: ['age_recipients_file'], message: `${path} holds no recipient` });
  return recipients;
}

const ageKeys = z
  .strictObject(
    {
      age_recipients: z.array(recipient).min(1, 'list at least one recipient').optional(),
      age_recipients_file: z.string().min(1).optional(),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'write none, or a mapping with age_recipients or age_recipients_file' : undefined,
    },
  )
  .transform((value, ctx): Encryption | undefined => {
    const { age_recipients: inline, age_recipients_file: file } = value;
    if ((inline === undefined) === (file === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either age_recipients or age_recipients_file (exactly one)' });
      return z.NEVER;
    }
    const recipients = inline ?? readRecipientsFile(file!, ctx);
    return { format: 'age', recipients: [...new Set(recipients)] };
  });

/** `encryption: none` turns off encryption that `defaults` set; otherwise the age keys. */
export const encryption = z
  .preprocess((value) => (value === 'none' ? null : value), ageKeys.nullable())
  .transform((value) => value ?? undefined);
