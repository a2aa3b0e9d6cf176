// File names are bytes on Linux, not text: a name need not be valid UTF-8. Inside the walk and the restore a name
// is kept as a "byte string" (one char per byte, latin1), so splitting on `/`, comparing and slicing stay exact,
// and it becomes a Buffer again at every file system call and in the archive. Only messages decode it.

/** A configured (UTF-8) path or pattern as a byte string. */
export function toByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string as the Buffer the file system takes. */
export function bytesOf(name: string): Buffer {
  return Buffer.from(name, 'latin1');
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A byte string for messages: UTF-8 decoded, or with each non-ASCII byte shown as \xNN when it is not UTF-8. */
export function displayName(name: string): string {
  const bytes = bytesOf(name);
  try {
    return decoder.decode(bytes);
  } catch {
    let out = '';
    for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
    return out;
  }
}

/** `root` (a UTF-8 path) joined with a relative byte-string path, as a Buffer path. */
export function underRoot(root: string, rel: string): Buffer {
  return rel === '' ? Buffer.from(root, 'utf8') : Buffer.concat([Buffer.from(`${root}/`, 'utf8'), bytesOf(rel)]);
}
