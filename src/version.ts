import { readFileSync } from 'node:fs';

// The version printed by --version and recorded in manifests comes from package.json: the build (scripts/build.mjs)
// writes it in, since the bundled files no longer sit one level below package.json; run from src/ (the tests), it
// is read from package.json one level above.
declare const SNAPSHOTTER_BUILD_VERSION: string | undefined;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const TOOL_NAME = 'snapshotter';
export const TOOL_VERSION: string = typeof SNAPSHOTTER_BUILD_VERSION === 'string' ? SNAPSHOTTER_BUILD_VERSION : packageVersion();
