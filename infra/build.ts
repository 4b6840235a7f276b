/**
 * Builds every bundle the CDK app deploys, with TWO esbuild `build()` calls:
 *
 *   1. dist/functions/<name>/index.mjs          one per catalog operation, webhook receiver, health, job
 *      dist/layer/nodejs/p100-shared/index.mjs  the client layer (shared/index.ts), mounted at /opt
 *   2. dist/sdk-layer/nodejs/node_modules/@aws-sdk/<pkg>/{index.mjs,package.json}
 *                                               the AWS SDK layer: every @aws-sdk/* package call 1 left external
 *
 * Handlers import the client layer only through the barrel (`../../shared/index.js`); the
 * `p100-layer-import` plugin rewrites that import to the layer's absolute path, so each handler bundle
 * holds only its handler. Why an absolute path: a handler lives in /var/task, and ESM resolves a bare
 * specifier only by walking up `node_modules` from the importing file (NODE_PATH does not apply), so
 * /opt/nodejs/node_modules is out of a handler's reach; `import '/opt/...mjs'` always works.
 *
 * Why our own SDK layer: the client layer (/opt/nodejs/p100-shared/index.mjs) keeps `@aws-sdk/*`
 * external; its bare imports resolve through /opt/nodejs/node_modules (the SDK layer), never through the
 * runtime's /var/runtime/node_modules, whose SDK is not ours (version, and lib-dynamodb or the presigner
 * may be missing). Why a second esbuild call: the SDK entry points are the packages call 1's metafile
 * shows the layer importing, and esbuild needs every entry point before a build starts. Each package is
 * one ESM file; the OTHER packages of that set stay external (lib-dynamodb imports its sibling
 * client-dynamodb: one DynamoDBClient class), everything else (@smithy/*, internal @aws-sdk/* helpers)
 * is bundled inside.
 *
 * Usage: `npm run build` (strict: fails listing every missing entry file).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isBuiltin } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild, type Metafile, type Plugin } from 'esbuild';
import { buildConsole } from '../local/console-site.js';
import { functionSpecs, layerEntry, type FunctionSpec } from './lib/inventory.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const defaultDistDir = path.join(repoRoot, 'dist');

/** Where the layer is mounted in the Lambda sandbox, and what handler bundles import. */
export const layerImportPath = '/opt/nodejs/p100-shared/index.mjs';
/** Where the SDK layer's packages sit in the Lambda sandbox: the client layer's bare `@aws-sdk/*` imports resolve here. */
export const sdkLayerModulesPath = '/opt/nodejs/node_modules';
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

export interface SdkPackageInfo {
  /** `@aws-sdk/client-dynamodb` */
  name: string;
  /** The version bundled (node_modules, pinned by package-lock.json). */
  version: string;
  /** `<outDir>/sdk-layer/nodejs/node_modules/<name>/index.mjs` */
  file: string;
  bytes: number;
}

export interface SdkLayerInfo {
  /** The layer asset directory (`<outDir>/sdk-layer`, holding `nodejs/node_modules/@aws-sdk/...`). */
  dir: string;
  packages: SdkPackageInfo[];
  /** index.mjs and package.json files together. */
  bytes: number;
  metafile: Metafile;
}

export interface BuildResult {
  outDir: string;
  functions: BundleInfo[];
  layer: BundleInfo | undefined;
  /** The AWS SDK layer; undefined when the client layer was not built (its entry is missing). */
  sdkLayer: SdkLayerInfo | undefined;
  /** Metafile of the first call (functions and client layer). */
  metafile: Metafile | undefined;
  /** esbuild `build()` calls made: functions + client layer, then the SDK layer. */
  esbuildCalls: number;
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

/** A metafile key (esbuild writes output paths relative to `absWorkingDir`, with forward slashes). */
function metafileKey(file: string): string {
  return path.relative(repoRoot, file).split(path.sep).join('/');
}

/** `@aws-sdk/client-s3` of `@aws-sdk/client-s3` or `@aws-sdk/client-s3/sub/path`. */
function packageNameOf(specifier: string): string {
  return specifier.split('/').slice(0, 2).join('/');
}

/**
 * The `@aws-sdk/*` packages one output of a build imports (statically or with `import()`), read from the
 * esbuild metafile. A subpath import is refused: the SDK layer ships each package as one module.
 */
export function sdkPackagesImported(metafile: Metafile, outputFile: string): string[] {
  const output = metafile.outputs[metafileKey(outputFile)];
  if (!output) throw new Error(`The metafile has no output ${metafileKey(outputFile)}`);
  const names = new Set<string>();
  for (const imp of output.imports) {
    if (!imp.external || !imp.path.startsWith('@aws-sdk/')) continue;
    const name = packageNameOf(imp.path);
    if (imp.path !== name) throw new Error(`${metafileKey(outputFile)} imports "${imp.path}": the SDK layer exports package roots only; import from "${name}"`);
    names.add(name);
  }
  return [...names].sort();
}

/**
 * A handler runs from /var/task, where no `node_modules` is reachable: its bundle may import only the
 * client layer (absolute path) and Node.js built-ins. Anything else would fail at cold start in Lambda.
 */
function checkHandlerImports(metafile: Metafile, functions: readonly BundleInfo[]): void {
  const problems = functions.flatMap((f) =>
    (metafile.outputs[metafileKey(f.file)]?.imports ?? [])
      .filter((imp) => imp.external && imp.path !== layerImportPath && !isBuiltin(imp.path))
      .map((imp) => `${f.entry} imports "${imp.path}" (only ${layerImportPath} and node: built-ins resolve from /var/task)`),
  );
  if (problems.length > 0) throw new Error(`Cannot build: handler bundles with unresolvable imports:\n  - ${problems.join('\n  - ')}`);
}

/**
 * For the SDK layer build: a top-level package of the layer's set imported by ANOTHER package stays
 * external (resolved at run time to its sibling in /opt/nodejs/node_modules, so there is one copy of
 * each client class); every other import (@smithy/*, internal @aws-sdk/* helpers) is bundled.
 */
export function sdkLayerExternalsPlugin(packages: readonly string[]): Plugin {
  const layerPackages = new Set(packages);
  const marker = `${path.sep}node_modules${path.sep}`;
  const packageOfFile = (file: string): string | undefined => {
    const at = file.lastIndexOf(marker);
    return at < 0
      ? undefined
      : packageNameOf(
          file
            .slice(at + marker.length)
            .split(path.sep)
            .join('/'),
        );
  };
  return {
    name: 'p100-sdk-layer-externals',
    setup(b) {
      b.onResolve({ filter: /^@aws-sdk\// }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const name = packageNameOf(args.path);
        if (!layerPackages.has(name) || packageOfFile(args.importer) === name) return undefined;
        if (args.path !== name) {
          return { errors: [{ text: `${args.importer} imports "${args.path}", a subpath of ${name}, which the SDK layer ships as one module` }] };
        }
        return { path: name, external: true };
      });
    },
  };
}

/** The Lambda asset tree `<dir>/nodejs/node_modules/<name>/` of one SDK package. */
export function sdkPackageDir(sdkLayerDir: string, name: string): string {
  return path.join(sdkLayerDir, 'nodejs', 'node_modules', ...name.split('/'));
}

// CommonJS dependencies bundled into ESM output may call require(); give the module one.
const requireBanner = { js: "import{createRequire as __p100Require}from'node:module';const require=__p100Require(import.meta.url);" };

/** Second esbuild call: one ESM module per SDK package the client layer imports, with its package.json. */
async function buildSdkLayer(sdkLayerDir: string, packages: readonly string[]): Promise<SdkLayerInfo> {
  const result = await esbuild({
    entryPoints: packages.map((name) => ({ in: name, out: `nodejs/node_modules/${name}/index` })),
    outdir: sdkLayerDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    // The SDK's ES module builds (dist-es): imports between packages stay `import` statements.
    mainFields: ['module', 'main'],
    banner: requireBanner,
    plugins: [sdkLayerExternalsPlugin(packages)],
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });
  let bytes = 0;
  const infos = packages.map((name): SdkPackageInfo => {
    const dir = sdkPackageDir(sdkLayerDir, name);
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')) as { version: string };
    mkdirSync(dir, { recursive: true });
    // `exports` makes index.mjs the package (for import, and for require() on Node >= 20.19).
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, version, type: 'module', exports: './index.mjs' }, null, 2)}\n`);
    const file = path.join(dir, 'index.mjs');
    const size = statSync(file).size;
    bytes += size + statSync(path.join(dir, 'package.json')).size;
    return { name, version, file, bytes: size };
  });
  return { dir: sdkLayerDir, packages: infos, bytes, metafile: result.metafile };
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
  let metafile: Metafile | undefined;
  let esbuildCalls = 0;
  if (entryPoints.length > 0) {
    esbuildCalls += 1;
    ({ metafile } = await esbuild({
      entryPoints,
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      // Our own SDK layer provides these (buildSdkLayer): never bundle them, in the layer or in a handler.
      external: ['@aws-sdk/*'],
      banner: requireBanner,
      plugins: [layerImportPlugin()],
      metafile: true,
      logLevel: 'warning',
      absWorkingDir: repoRoot,
    }));
  }

  const info = (name: string, entry: string, rel: string): BundleInfo => {
    const file = path.join(outDir, rel);
    return { name, entry, file, bytes: statSync(file).size };
  };
  const functions = present.map((s) => info(s.name, s.entry, `functions/${s.name}/index.mjs`));
  const layer = withLayer ? info('p100-shared', layerEntry, 'layer/nodejs/p100-shared/index.mjs') : undefined;
  if (metafile) checkHandlerImports(metafile, functions);

  let sdkLayer: SdkLayerInfo | undefined;
  if (layer && metafile) {
    const packages = sdkPackagesImported(metafile, layer.file);
    if (packages.length > 0) {
      esbuildCalls += 1;
      sdkLayer = await buildSdkLayer(path.join(outDir, 'sdk-layer'), packages);
    }
  }
  return { outDir, functions, layer, sdkLayer, metafile, esbuildCalls, missing, millis: Math.round(performance.now() - started) };
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
      `Built ${r.functions.length} function bundles (${kb(total)} in all, largest ${largest ? `${largest.name} ${kb(largest.bytes)}` : '-'}), ` +
        `the client layer (${r.layer ? kb(r.layer.bytes) : '-'}) and the SDK layer (${r.sdkLayer ? kb(r.sdkLayer.bytes) : '-'}) ` +
        `into ${path.relative(repoRoot, r.outDir)}/ with ${r.esbuildCalls} esbuild calls in ${r.millis} ms`,
    );
    for (const p of r.sdkLayer?.packages ?? []) console.log(`  sdk-layer ${p.name}@${p.version} ${kb(p.bytes)}`);
    // The operator console (deployed with -c console=true): Vite output, never committed.
    const site = await buildConsole(path.join(r.outDir, 'console'));
    console.log(
      `Built the operator console into ${path.relative(repoRoot, site.outDir)}/ (${site.files.map((f) => `${f.file} gzip ${kb(f.gzipBytes)}`).join(', ')})`,
    );
    for (const f of over)
      console.warn(`warning: ${f.name} is ${kb(f.bytes)} (budget ${kb(handlerSizeBudgetBytes)}): does it bundle what the layer already has?`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
