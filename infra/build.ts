/**
 * Builds every bundle the CDK app deploys, once, with ONE esbuild `build()` call:
 *
 *   dist/functions/<name>/index.mjs          one per catalog operation, webhook receiver, health, job
 *   dist/layer/nodejs/p100-shared/index.mjs  the client layer (shared/index.ts), mounted at /opt
 *
 * Handlers import the client layer only through the barrel (`../../shared/index.js`); the
 * `p100-layer-import` plugin rewrites that import to the layer's absolute path, so each handler bundle
 * holds only its handler. Why an absolute path: under ESM, Lambda does not resolve bare specifiers
 * from /opt/nodejs/node_modules reliably, while `import '/opt/...mjs'` always works.
 *
 * Usage: `npm run build` (strict: fails listing every missing entry file).
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild, type Plugin } from 'esbuild';
import { functionSpecs, layerEntry, type FunctionSpec } from './lib/inventory.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const defaultDistDir = path.join(repoRoot, 'dist');

/** Where the layer is mounted in the Lambda sandbox, and what handler bundles import. */
export const layerImportPath = '/opt/nodejs/p100-shared/index.mjs';
/** Handler bundles above this size are reported: they probably bundled a dependency the layer already has. */
export const handlerSizeBudgetBytes = 10 * 1024;

export interface BuildOptions {
  /** Output directory (default `dist/`). Emptied first. */
  outDir?: string;
  /** Fail when an entry file is missing (default true). The infra test builds what exists instead. */
  strict?: boolean;
  /** The functions to build (default: every function of the catalogs, {@link functionSpecs}). */
  specs?: readonly FunctionSpec[];
}

export interface BundleInfo {
  name: string;
  entry: string;
  file: string;
  bytes: number;
}

export interface BuildResult {
  outDir: string;
  functions: BundleInfo[];
  layer: BundleInfo | undefined;
  /** Entry files that do not exist yet (only when `strict: false`). */
  missing: string[];
  millis: number;
}

export class MissingEntryFilesError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `Cannot build: ${missing.length} entry file(s) missing. Add them (one per catalog entry) or remove the catalog entries:\n` +
        missing.map((m) => `  - ${m}`).join('\n'),
    );
    this.name = 'MissingEntryFilesError';
  }
}

/** The layer barrel, however an importer spells it (`.js`, `.ts`, extensionless, directory). */
function isBarrel(absPath: string): boolean {
  const barrel = path.join(repoRoot, 'shared', 'index');
  return [barrel, `${barrel}.js`, `${barrel}.ts`, path.join(repoRoot, 'shared')].includes(absPath);
}

/**
 * Rewrites the barrel import of every handler to the layer's absolute path, and refuses any other
 * import from a handler into shared/ (it would silently copy part of the layer into the handler bundle).
 */
export function layerImportPlugin(): Plugin {
  const sharedDir = path.join(repoRoot, 'shared') + path.sep;
  return {
    name: 'p100-layer-import',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const importerInShared = args.importer.startsWith(sharedDir);
        if (importerInShared) return undefined;
        const target = path.resolve(args.resolveDir, args.path);
        if (isBarrel(target)) return { path: layerImportPath, external: true };
        if (target.startsWith(sharedDir)) {
          return {
            errors: [
              {
                text: `${path.relative(repoRoot, args.importer)} imports "${args.path}": functions may import shared/ only through the barrel shared/index.ts (the client layer)`,
              },
            ],
          };
        }
        return undefined;
      });
    },
  };
}

export async function buildAll(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const outDir = path.resolve(options.outDir ?? defaultDistDir);
  const strict = options.strict ?? true;
  const specs = options.specs ?? functionSpecs();

  const missing = [...specs.map((s) => s.entry), layerEntry].filter((e) => !existsSync(path.join(repoRoot, e)));
  if (missing.length > 0 && strict) throw new MissingEntryFilesError(missing);

  const present = specs.filter((s) => !missing.includes(s.entry));
  const withLayer = !missing.includes(layerEntry);
  const entryPoints = [
    ...present.map((s) => ({ in: path.join(repoRoot, s.entry), out: `functions/${s.name}/index` })),
    ...(withLayer ? [{ in: path.join(repoRoot, layerEntry), out: 'layer/nodejs/p100-shared/index' }] : []),
  ];

  rmSync(outDir, { recursive: true, force: true });
  if (entryPoints.length > 0) {
    await esbuild({
      entryPoints,
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      // The Lambda Node.js runtime ships AWS SDK v3: never bundle it, in the layer or in a handler.
      external: ['@aws-sdk/*'],
      // CommonJS dependencies (bundled into the layer) may call require(); give ESM output one.
      banner: { js: "import{createRequire as __p100Require}from'node:module';const require=__p100Require(import.meta.url);" },
      plugins: [layerImportPlugin()],
      logLevel: 'warning',
      absWorkingDir: repoRoot,
    });
  }

  const info = (name: string, entry: string, rel: string): BundleInfo => {
    const file = path.join(outDir, rel);
    return { name, entry, file, bytes: statSync(file).size };
  };
  return {
    outDir,
    functions: present.map((s) => info(s.name, s.entry, `functions/${s.name}/index.mjs`)),
    layer: withLayer ? info('p100-shared', layerEntry, 'layer/nodejs/p100-shared/index.mjs') : undefined,
    missing,
    millis: Math.round(performance.now() - started),
  };
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(): Promise<void> {
  try {
    const r = await buildAll({ strict: true });
    const over = r.functions.filter((f) => f.bytes > handlerSizeBudgetBytes);
    const total = r.functions.reduce((n, f) => n + f.bytes, 0);
    const largest = [...r.functions].sort((a, b) => b.bytes - a.bytes)[0];
    console.log(
      `Built ${r.functions.length} function bundles (${kb(total)} in all, largest ${largest ? `${largest.name} ${kb(largest.bytes)}` : '-'}) ` +
        `and the layer (${r.layer ? kb(r.layer.bytes) : '-'}) into ${path.relative(repoRoot, r.outDir)}/ in ${r.millis} ms`,
    );
    for (const f of over) console.warn(`warning: ${f.name} is ${kb(f.bytes)} (budget ${kb(handlerSizeBudgetBytes)}): does it bundle what the layer already has?`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
