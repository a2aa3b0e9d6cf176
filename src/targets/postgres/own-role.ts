// pg_dumpall writes `CREATE ROLE <every role>;`, then `ALTER ROLE <it> WITH ...` for its attributes. A role the
// target cluster already has (always the one psql restores as; on a replacement server often all the application
// roles) makes that CREATE fail, and restore stops at the first error. So exactly those CREATE ROLE lines (and
// DROP ROLE of the connected role, which --clean writes) in the roles section, before the first \connect, are
// left out; the ALTER ROLE that follows still gives the role the dump's attributes. Every other error stays fatal.
import { Transform, type TransformCallback } from 'node:stream';

/** The identifier as pg_dumpall's fmtId writes it: bare when it is plain lower case, else double-quoted. */
function identifierForms(role: string): string[] {
  const quoted = `"${role.replace(/"/g, '""')}"`;
  return /^[a-z_][a-z0-9_$]*$/.test(role) ? [role, quoted] : [quoted];
}

/**
 * The statements that cannot succeed: about the restoring role (it exists and is connected), and `CREATE ROLE x;`
 * for every role the target cluster already has.
 */
export function existingRoleStatements(own: string, existing: readonly string[]): Set<string> {
  const lines = new Set<string>();
  for (const id of identifierForms(own)) {
    lines.add(`CREATE ROLE ${id};`);
    lines.add(`DROP ROLE ${id};`);
    lines.add(`DROP ROLE IF EXISTS ${id};`);
  }
  for (const role of existing) for (const id of identifierForms(role)) lines.add(`CREATE ROLE ${id};`);
  return lines;
}

/** Drops the given lines from the head of a dump (until the first `\connect`); then passes bytes through. */
export class OwnRoleFilter extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private filtering = true;
  /** The lines that were left out, for the log. */
  readonly skipped: string[] = [];

  constructor(private readonly statements: Set<string>) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.filtering) return callback(null, chunk);
    // Work on bytes, whole lines only: a character split across chunks stays intact.
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const kept: Buffer[] = [];
    let newline = data.indexOf(0x0a);
    while (newline >= 0) {
      const line = data.subarray(0, newline + 1);
      const text = line.toString('utf8', 0, newline);
      if (text.startsWith('\\connect')) {
        this.filtering = false;
        break;
      }
      if (this.statements.has(text)) this.skipped.push(text);
      else kept.push(line);
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    if (this.filtering) this.pending = Buffer.from(data);
    else {
      kept.push(data);
      this.pending = Buffer.alloc(0);
    }
    callback(null, kept.length > 0 ? Buffer.concat(kept) : undefined);
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.pending.length > 0 ? this.pending : undefined);
  }
}
