// The full header encoder: ustar where a value fits, a PAX extended header (`x`) in front for every value that
// does not. PAX `path`, `linkpath`, `uname` and `gname` records carry the name's raw bytes, as GNU tar writes and
// reads them, so a name that is not UTF-8 survives byte for byte. `mtime` keeps whole nanoseconds.
import {
  BLOCK,
  isShortAscii,
  MAX_OCTAL_12,
  MAX_OCTAL_8,
  ustarFields,
  writeUstar,
  type EntryMeta,
  type UstarFields,
} from './tar-entry.js';

const NS = 1_000_000_000n;

/** One PAX record, `<length> <key>=<value>\n`, where the length counts its own digits; value is a byte string. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length += 1;
  return `${length}${body}`;
}

/** Nanoseconds since the epoch as PAX writes a time: seconds, then the fraction without trailing zeros. */
export function paxTime(ns: bigint): string {
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  const fraction = (abs % NS).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / NS}${fraction ? `.${fraction}` : ''}`;
}

/** Whole seconds, rounded down (toward the past) as tar's mtime field wants them. */
function floorSeconds(ns: bigint): number {
  const seconds = ns / NS;
  return Number(ns < 0n && seconds * NS !== ns ? seconds - 1n : seconds);
}

/** Splits an ASCII path into ustar's prefix (≤155) and name (≤100) at a `/`, or undefined when it cannot. */
function splitPrefix(path: string): { prefix: string; name: string } | undefined {
  if (path.length > 256) return undefined;
  for (let cut = path.indexOf('/'); cut >= 0; cut = path.indexOf('/', cut + 1)) {
    if (cut > 155) return undefined;
    const name = path.slice(cut + 1);
    if (name.length <= 100 && name.length > 0) return { prefix: path.slice(0, cut), name };
  }
  return undefined;
}

/**
 * Header bytes (PAX, if needed, then ustar) for an entry, with its exact mtime in nanoseconds; `extra` PAX records
 * (a sparse file's) come first.
 */
export function encodeHeader(e: EntryMeta, mtimeNs: bigint, extra = ''): Buffer {
  const seconds = floorSeconds(mtimeNs);
  const fields: UstarFields = ustarFields(e, seconds < 0 || seconds > MAX_OCTAL_12 ? 0 : seconds);
  let records = extra;
  const ascii = isShortAscii(e.path, e.path.length);
  const split = ascii && e.path.length > 100 ? splitPrefix(e.path) : undefined;
  if (split) Object.assign(fields, split);
  else if (!ascii || e.path.length > 100) {
    records += paxRecord('path', e.path);
    fields.name = e.path.slice(0, 100);
  }
  if (e.linkpath !== undefined && !isShortAscii(e.linkpath, 100)) {
    records += paxRecord('linkpath', e.linkpath);
    fields.linkname = e.linkpath.slice(0, 100);
  }
  for (const key of ['uname', 'gname'] as const) {
    if (isShortAscii(e[key], 31)) continue;
    records += paxRecord(key, e[key]);
    fields[key] = '';
  }
  for (const key of ['uid', 'gid'] as const) {
    if (fields[key] <= MAX_OCTAL_8) continue;
    records += paxRecord(key, String(fields[key]));
    fields[key] = 0;
  }
  if (e.size > MAX_OCTAL_12) {
    records += paxRecord('size', String(e.size));
    fields.size = 0;
  }
  if (seconds < 0 || seconds > MAX_OCTAL_12 || (records !== '' && mtimeNs % NS !== 0n)) {
    records += paxRecord('mtime', paxTime(mtimeNs));
  }
  const block = Buffer.allocUnsafe(BLOCK);
  writeUstar(block, 0, fields);
  if (records === '') return block;
  return Buffer.concat([paxHeader(records, fields), block]);
}

/** The `x` header block and its body, padded to whole blocks. */
function paxHeader(records: string, entry: UstarFields): Buffer {
  const body = Buffer.from(records, 'latin1');
  const padded = Math.ceil(body.length / BLOCK) * BLOCK;
  const out = Buffer.alloc(BLOCK + padded);
  const name = `PaxHeaders/${entry.name.slice(entry.name.lastIndexOf('/', entry.name.length - 2) + 1)}`.slice(0, 100);
  writeUstar(out, 0, {
    ...entry,
    name,
    prefix: '',
    mode: 0o644,
    size: body.length,
    flag: 'x',
    linkname: '',
    devmajor: 0,
    devminor: 0,
  });
  body.copy(out, BLOCK);
  return out;
}
