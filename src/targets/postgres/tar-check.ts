// The content check of a per-database archive: the tar walk (every header, the end marker, the entry count), and
// each member's own completeness — a `databases/*.dump` starts with pg_dump's custom-format magic `PGDMP`, and
// `globals.sql` ends with pg_dumpall's closing line. Bytes flow through; only a member's first and last bytes stay.
import { tarCheck, type ContentCheck } from '../../archive/content-check.js';
import { hasClosingLine } from '../_dump/closing-line.js';
import { PG_DUMPALL_CLOSING_LINE } from './dump.js';
import { BLOCK, GLOBALS_MEMBER, memberDatabase } from './tar-members.js';

export const CUSTOM_FORMAT_MAGIC = 'PGDMP';

/** Why a member is not whole, or undefined when it is. */
export function judgeMember(name: string, head: Buffer, tail: Buffer): string | undefined {
  if (name === GLOBALS_MEMBER) {
    return hasClosingLine(tail.toString('utf8'), PG_DUMPALL_CLOSING_LINE)
      ? undefined
      : `${name} lacks pg_dumpall's closing line "${PG_DUMPALL_CLOSING_LINE}" (truncated dump)`;
  }
  if (memberDatabase(name) === undefined) return `${name} is not a member of a per-database archive`;
  return head.toString('latin1', 0, CUSTOM_FORMAT_MAGIC.length) === CUSTOM_FORMAT_MAGIC
    ? undefined
    : `${name} is not a pg_dump custom-format dump (no ${CUSTOM_FORMAT_MAGIC} magic)`;
}

function octal(block: Buffer, at: number, size: number): number {
  if (block[at]! & 0x80) {
    let value = 0;
    for (let i = at + 1; i < at + size; i += 1) value = value * 256 + block[i]!;
    return value;
  }
  return parseInt(block.toString('latin1', at, at + size).replace(/[\0 ]+$/, '') || '0', 8);
}

/** Follows member boundaries (the walker judges the structure) and keeps each member's first and last bytes. */
class MemberScanner {
  private header = Buffer.alloc(0);
  private body: { name: string; left: number; pad: number; head: Buffer; tail: Buffer; long: boolean } | undefined;
  private longName: Buffer | undefined;
  private ended = false;
  readonly members: string[] = [];
  problem: string | undefined;

  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.ended && this.problem === undefined) {
      if (this.body) {
        const b = this.body;
        const n = Math.min(chunk.length - at, b.left + b.pad);
        const data = chunk.subarray(at, at + Math.min(n, b.left));
        if (b.head.length < BLOCK) b.head = Buffer.concat([b.head, data.subarray(0, BLOCK - b.head.length)]);
        b.tail = Buffer.from(data.length >= BLOCK ? data.subarray(-BLOCK) : Buffer.concat([b.tail, data]).subarray(-BLOCK));
        if (b.long) this.longName = Buffer.concat([this.longName ?? Buffer.alloc(0), data]);
        const used = Math.min(n, b.left);
        b.left -= used;
        b.pad -= n - used;
        at += n;
        if (b.left === 0 && b.pad === 0) this.endMember();
        continue;
      }
      const n = Math.min(BLOCK - this.header.length, chunk.length - at);
      this.header = Buffer.concat([this.header, chunk.subarray(at, at + n)]);
      at += n;
      if (this.header.length === BLOCK) this.onHeader();
    }
  }

  private onHeader(): void {
    const block = this.header;
    this.header = Buffer.alloc(0);
    if (block.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    const flag = String.fromCharCode(block[156]!);
    const size = octal(block, 124, 12);
    const long = flag === 'L';
    const name = long
      ? ''
      : (this.longName?.toString('utf8').replace(/\0+$/, '') ?? block.toString('utf8', 0, 100).replace(/\0.*$/s, ''));
    if (!long) this.longName = undefined;
    if (!long && flag !== '0' && flag !== '\0') {
      this.problem = `unexpected tar entry ${JSON.stringify(name)} (type ${JSON.stringify(flag)})`;
      return;
    }
    this.body = { name, left: size, pad: (BLOCK - (size % BLOCK)) % BLOCK, head: Buffer.alloc(0), tail: Buffer.alloc(0), long };
    if (size === 0) this.endMember();
  }

  private endMember(): void {
    const b = this.body!;
    this.body = undefined;
    if (b.long) return;
    this.members.push(b.name);
    this.problem ??= judgeMember(b.name, b.head, b.tail);
  }
}

/** The content check of a `.tar` written by `databases`: structure, then every member's completeness. */
export function perDatabaseCheck(): ContentCheck {
  const scanner = new MemberScanner();
  return tarCheck({
    write: (chunk) => scanner.write(chunk),
    problem: () =>
      scanner.problem ?? (scanner.members.includes(GLOBALS_MEMBER) ? undefined : `the archive lacks ${GLOBALS_MEMBER}`),
  });
}
