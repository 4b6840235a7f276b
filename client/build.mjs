// Builds @p100-suite/client for apps outside this repository (`npm run build`, and `prepack` before `npm pack`):
// 1. client/src/spec.ts, the catalog's types expanded into plain TypeScript (scripts/spec.ts);
// 2. dist/index.js: ESM for Node 20+, the catalog, the event table and zod bundled in (a request needs them; zod's
//    8 MB package does not ship), the SigV4 signer split into a chunk loaded only by `auth: 'iam'`, and the AWS
//    credential chain left to the optional peer @aws-sdk/credential-provider-node;
// 3. dist/index.d.ts: one self-contained declaration file (dts-bundle-generator), naming no path outside the
//    package and no zod.
// `node client/build.mjs [outdir]`.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDtsBundle } from 'dts-bundle-generator';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const outdir = process.argv[2] ?? `${here}dist`;
rmSync(outdir, { recursive: true, force: true });

execFileSync(process.execPath, ['--import', 'tsx', `${here}scripts/spec.ts`], { cwd: here, stdio: 'inherit' });

await build({
  absWorkingDir: here,
  entryPoints: { index: 'src/index.ts' },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  // The bundled signer (@smithy/signature-v4, @aws-crypto/sha256-js) is CommonJS that calls require('buffer');
  // esbuild's ESM output has no require, so each file gets one made from its own URL (esbuild's documented way).
  banner: { js: "import { createRequire as __p100CreateRequire } from 'node:module'; const require = __p100CreateRequire(import.meta.url);" },
  target: 'node20',
  external: ['@aws-sdk/credential-provider-node'],
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const [dts] = generateDtsBundle([{ filePath: `${here}src/index.ts`, output: { noBanner: true, exportReferencedTypes: false } }], {
  preferredConfigPath: `${here}tsconfig.build.json`,
});
writeFileSync(`${outdir}/index.d.ts`, dts);
const leak = /from ['"](\.\.?\/|zod)/.exec(dts);
if (leak) throw new Error(`dist/index.d.ts refers outside the package: ${leak[0]}`);
