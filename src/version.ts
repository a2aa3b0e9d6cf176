import { readFileSync } from 'node:fs';

// The version printed by --version and recorded in manifests comes from package.json, one level above src/ and dist/.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const TOOL_NAME = 'snapshotter';
export const TOOL_VERSION: string = pkg.version;
