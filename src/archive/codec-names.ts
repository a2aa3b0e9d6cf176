// The codec names alone, for the config schema: importing them must not load the compressors (config check's
// start-up). src/archive/codec.ts holds the stages and re-exports these.
export const CODECS = ['gzip', 'zstd'] as const;
export type Codec = (typeof CODECS)[number];
