// The manifest written beside every archive: what it holds, where it came from, and how to check it.
import * as z from 'zod';

export const MANIFEST_FORMAT_VERSION = 1;

/** Forgiving reader of manifests: only the fields that checks rely on are required. */
export const Manifest = z.looseObject({
  format_version: z.number(),
  tool: z.looseObject({ name: z.string(), version: z.string() }),
  target: z.looseObject({ name: z.string(), type: z.string() }),
  hostname: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
  archive: z.string(),
  size_bytes: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  compression: z.looseObject({ format: z.string(), level: z.number() }),
  /** Present when the archive is encrypted: the public keys it was encrypted to. */
  encryption: z.looseObject({ format: z.string(), recipients: z.array(z.string()) }).optional(),
  uncompressed_bytes: z.number(),
  entries: z.number().nullable(),
  source: z.record(z.string(), z.unknown()),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});
export type Manifest = z.infer<typeof Manifest>;

/** Parses manifest text; undefined when it is not a manifest of ours. */
export function parseManifest(text: string): Manifest | undefined {
  try {
    const parsed = Manifest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The sidecar line `sha256sum -c` reads. */
export function sidecarText(sha256: string, archive: string): string {
  return `${sha256}  ${archive}\n`;
}

/** The checksum in a sidecar, if it names this archive. */
export function parseSidecar(text: string, archive: string): string | undefined {
  const match = /^([0-9a-f]{64}) [ *](.+)\n?$/.exec(text);
  return match && match[2] === archive ? match[1] : undefined;
}
