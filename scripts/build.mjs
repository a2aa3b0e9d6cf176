// Builds dist/: src/ and the npm dependencies that bundle cleanly, as a few ESM files (esbuild, code splitting).
// Node.js 20 has no compile cache, and an ESM module graph of ~400 files costs more to find, read and link than to
// run: one file per entry point starts faster. Every lazy `import()` in src/ (a command, a target's implementation,
// the compressors, age-encryption, a remote) stays its own chunk, loaded only when used. Type checking is tsc's
// job (`npm run lint`); this only transpiles.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: [
    'src/cli.ts',
    // The modules scripts/bench*.mjs run in-process (dist/<same path>.js).
    'src/archive/sink.ts',
    'src/archive/parallel-gzip.ts',
    'src/archive/measure.ts',
    'src/archive/verify.ts',
    'src/archive/tar-walk.ts',
    'src/retention/policy.ts',
    'src/targets/filesystem/pack.ts',
  ],
  outbase: 'src',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Loaded only when an S3 remote is used; the AWS SDK reads files relative to itself and gains nothing here.
  external: ['@aws-sdk/*'],
  // Readable stack traces: names and lines stay as written (no minifying); `.map` files for
  // `node --enable-source-maps` point each line back to src/ (README "Troubleshooting").
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  // The bundled CommonJS dependencies (pino, picomatch, undici …) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __snapshotterRequire } from 'node:module';\nconst require = __snapshotterRequire(import.meta.url);",
  },
  define: { SNAPSHOTTER_BUILD_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
