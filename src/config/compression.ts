// The compression keys, checked across each other: the level's range and default depend on the codec, and zstd
// needs a Node.js with zstd in zlib. A key inherited from `defaults:` is reported where `defaults:` sets it.
import { CODECS, type Codec } from '../archive/codec-names.js';
import { hasZstd, zstdMissingMessage } from '../archive/zstd-runtime.js';
import type { ConfigPath } from './secrets.js';
import { formatPath, type YamlSource } from './yaml-source.js';

export const LEVELS: Record<Codec, { min: number; max: number; default: number }> = {
  gzip: { min: 1, max: 9, default: 6 },
  zstd: { min: 1, max: 19, default: 3 },
};

/** Before the schema parse: the codec's default level where neither the target nor `defaults:` sets one. */
export function applyLevelDefault(merged: Record<string, unknown>): void {
  if (merged.compression_level !== undefined) return;
  const codec = CODECS.find((c) => c === merged.compression);
  if (codec) merged.compression_level = LEVELS[codec].default;
}

/** After the schema parse: problems with the level for the codec, or with zstd on this runtime. */
export function compressionProblems(
  source: YamlSource,
  target: { compression: Codec; compression_level: number },
  raw: Record<string, unknown>,
  index: number,
  zstdAvailable: boolean = hasZstd(),
): string[] {
  const at = (key: string): string => {
    const path: ConfigPath = key in raw ? ['targets', index, key] : ['defaults', key];
    return `${source.where(path)}: ${formatPath(path)}`;
  };
  const problems: string[] = [];
  const { compression: codec, compression_level: level } = target;
  if (codec === 'zstd' && !zstdAvailable) {
    problems.push(`${at('compression')}: ${zstdMissingMessage()} (or use compression: gzip)`);
  }
  const range = LEVELS[codec];
  if (level < range.min || level > range.max) {
    const bound = level < range.min ? 'Too small' : 'Too big';
    problems.push(`${at('compression_level')}: ${bound} for ${codec}: ${level} (gzip levels are 1–9, zstd levels 1–19)`);
  }
  return problems;
}
