// Exclude globs are matched against paths relative to `/` (as stored in the archive); `**/cache/**` also
// excludes the `cache` folder itself, so nothing below it is even read. Paths and patterns are compared as byte
// strings (src/util/byte-names.ts), so names that are not UTF-8 can be matched and excluded too.
import picomatch from 'picomatch';
import { toByteString } from '../../util/byte-names.js';

export type Excluder = (relativePath: string) => boolean;

export function makeExcluder(patterns: readonly string[]): Excluder {
  if (patterns.length === 0) return () => false;
  const normalized = patterns.map((p) => toByteString(p).replace(/^\/+/, ''));
  const match = picomatch(normalized, { dot: true });
  return (relativePath) => {
    const path = relativePath.replace(/^\/+/, '').replace(/\/+$/, '');
    return match(path) || match(`${path}/`);
  };
}
