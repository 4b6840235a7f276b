// Builds the package for consumers outside this repository: dist/index.js (the client) and dist/cli.js (the
// `p100` command), ESM for Node 20+, with the catalog and event table bundled in and the package's own
// dependencies left as imports. `node client/build.mjs [outdir]`.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const outdir = process.argv[2] ?? `${here}dist`;

await build({
  absWorkingDir: here,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
