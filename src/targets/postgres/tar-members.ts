// The per-database archive's layout: a plain tar (GNU tar reads it) of `globals.sql` (pg_dumpall --globals-only)
// and one `databases/<name>.dump` (pg_dump -Fc) per database. Only what this target writes: regular files, ustar
// headers, a GNU long-name entry in front of a name over 100 bytes, GNU base-256 for sizes of 8 GiB and more.

export const BLOCK = 512;
export const GLOBALS_MEMBER = 'globals.sql';
const DATABASE_DIR = 'databases/';
const DUMP_SUFFIX = '.dump';
/** The end-of-archive marker. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

/** `databases/<name>.dump`, the name percent-encoded so any database name is one plain path segment. */
export function databaseMember(database: string): string {
  return `${DATABASE_DIR}${encodeURIComponent(database)}${DUMP_SUFFIX}`;
}

/** The database a member holds, or undefined for a member that is not a database dump. */
export function memberDatabase(member: string): string | undefined {
  if (!member.startsWith(DATABASE_DIR) || !member.endsWith(DUMP_SUFFIX)) return undefined;
  try {
    return decodeURIComponent(member.slice(DATABASE_DIR.length, -DUMP_SUFFIX.length));
  } catch {
    return undefined;
  }
}

function writeOctal(block: Buffer, at: number, size: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length <= size - 1) {
    block.write(digits.padStart(size - 1, '0'), at, 'ascii');
    return;
  }
  block[at] = 0x80; // GNU base-256, big-endian
  let rest = BigInt(value);
  for (let i = at + size - 1; i > at; i -= 1, rest >>= 8n) block[i] = Number(rest & 0xffn);
}

function header(name: string, size: number, flag: string, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name.slice(0, 100), 0, 'ascii');
  writeOctal(block, 100, 8, 0o600);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, mtime);
  block.write(flag, 156, 'ascii');
  block.write('ustar\x0000', 257, 'latin1');
  block.write('root', 265, 'ascii');
  block.write('root', 297, 'ascii');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** The header block(s) of a regular file member: a GNU `L` entry first when the name is over 100 bytes. */
export function memberHeader(name: string, size: number, mtime: Date): Buffer {
  const seconds = Math.floor(mtime.getTime() / 1000);
  const file = header(name, size, '0', seconds);
  if (name.length <= 100) return file;
  const long = Buffer.from(`${name}\0`, 'ascii');
  return Buffer.concat([header('././@LongLink', long.length, 'L', 0), long, padding(long.length), file]);
}

/** Zero bytes up to the next block boundary. */
export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}
