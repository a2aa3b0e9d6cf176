// User and group names for tar's uname/gname fields, as GNU tar writes them: looked up in /etc/passwd and
// /etc/group (read once, on first use), '' for an id without a name. Names are byte strings like file names.
import { readFileSync } from 'node:fs';

/** id → name from a passwd/group style file (name:x:id:…); the first line for an id wins, as getpwuid's does. */
function readNames(file: string): Map<number, string> {
  const names = new Map<number, string>();
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    return names; // no such file: every id is unnamed, as for GNU tar
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (!name || id === undefined || !/^\d+$/.test(id) || name.startsWith('+') || name.startsWith('-')) continue;
    if (!names.has(Number(id))) names.set(Number(id), name);
  }
  return names;
}

export class OwnerNames {
  private users: Map<number, string> | undefined;
  private groups: Map<number, string> | undefined;

  constructor(private readonly files = { passwd: '/etc/passwd', group: '/etc/group' }) {}

  user(uid: number): string {
    this.users ??= readNames(this.files.passwd);
    return this.users.get(uid) ?? '';
  }

  group(gid: number): string {
    this.groups ??= readNames(this.files.group);
    return this.groups.get(gid) ?? '';
  }
}
