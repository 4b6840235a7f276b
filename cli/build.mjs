// Builds @p100-suite/cli (`npm run build`, and `prepack` before `npm pack`): dist/main.js, ESM for Node 20+, that
// plain `node` runs (bin/p100.js). The client, the catalog and zod are bundled in; the AWS SDK clients `--stage`
// uses stay dependencies, loaded only by --stage. `p100 --help` loads main.js alone (the commands are a chunk).
// The built CLI's stable path: cli/dist/main.js. `node cli/build.mjs [outdir]`.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const outdir = process.argv[2] ?? `${here}dist`;
rmSync(outdir, { recursive: true, force: true });

await build({
  absWorkingDir: here,
  entryPoints: { main: 'src/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  // The bundled signer (@smithy/signature-v4, @aws-crypto/sha256-js) is CommonJS that calls require('buffer');
  // esbuild's ESM output has no require, so each file gets one made from its own URL (esbuild's documented way).
  banner: { js: "import { createRequire as __p100CreateRequire } from 'node:module'; const require = __p100CreateRequire(import.meta.url);" },
  target: 'node20',
  external: ['@aws-sdk/client-cloudformation', '@aws-sdk/client-sqs', '@aws-sdk/credential-provider-node'],
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
