/**
 * Builds every bundle the CDK app deploys, with TWO esbuild `build()` calls:
 *
 *   1. one build of every entry with ESM code splitting (issue 15, B2):
 *      dist/functions/<name>/index.mjs                    one per catalog operation, webhook receiver, health, job:
 *                                                         the entry's own lines, importing its chunks from /opt
 *      dist/layer/nodejs/p100-shared/index.mjs            the client layer's barrel (shared/index.ts), mounted at /opt
 *      dist/layer/nodejs/p100-shared/chunks/*.mjs         the shared code, one chunk per set of entries that reach it
 *   2. dist/sdk-layer/nodejs/node_modules/@aws-sdk/<pkg>/{index.mjs,package.json}
 *                                                         the AWS SDK layer: every @aws-sdk/* package call 1 left external
 *
 * Handlers import the client layer only through the barrel (`../../shared/index.js`). The
 * `p100-layer-import` plugin gives each handler a barrel of its own holding only the names it imports, and
 * declares shared/ free of import side effects, so a handler's static imports reach only the code it runs;
 * the barrel being an entry too, everything of shared/ a handler reaches is shared and lands in a layer
 * chunk. The handler's relative chunk imports are then pointed at the layer's absolute path. Why absolute:
 * a handler lives in /var/task, and ESM resolves a bare specifier only by walking up `node_modules` from the
 * importing file (NODE_PATH does not apply), so /opt/nodejs/node_modules is out of a handler's reach;
 * `import '/opt/...mjs'` always works. Chunks import each other relatively inside chunks/.
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
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
/** Where the client layer's shared chunks sit in the Lambda sandbox: handlers import theirs from here. */
export const layerChunksPath = '/opt/nodejs/p100-shared/chunks/';
/** The same directory in dist/, relative to a handler bundle (dist/functions/<name>/index.mjs), as esbuild writes it. */
const layerChunksRelative = '../../layer/nodejs/p100-shared/chunks/';
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
  /** The client layer: its index (`file`, what the layer probe imports) and, in `bytes`, the index and every chunk. */
  layer: BundleInfo | undefined;
  /** Every file of the client layer: the index and the shared chunks under nodejs/p100-shared/chunks/. */
  layerFiles: string[];
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
 * The names a module re-exports with `export { a, b as c } from './x.js'`, each with the module it comes from
 * (absolute path of the .ts source). The layer barrel holds only such statements (test/unit/layer-surface.test.ts).
 */
export function namedReExports(file: string): Map<string, { from: string; name: string }> {
  const out = new Map<string, { from: string; name: string }>();
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(/export\s*(type\s*)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    if (m[1]) continue;
    const from = path.resolve(path.dirname(file), m[3]!.replace(/\.js$/, '.ts'));
    for (const spec of m[2]!.split(',')) {
      const parts = spec.trim().split(/\s+as\s+/);
      if (!parts[0] || parts[0].startsWith('type ')) continue;
      out.set((parts[1] ?? parts[0]).trim(), { from, name: parts[0].trim() });
    }
  }
  return out;
}

const barrelNamespace = 'p100-barrel';

/**
 * Follows `export { a as b } from` chains (package indexes) to the module that declares the name. Why: a
 * package index imported by a handler is, for esbuild's code splitting, a file whose every re-export is live
 * once another entry (or a dynamic import) reaches one of them; straight from the declaring module, a handler
 * reaches only that module's graph.
 */
export function definingModule(file: string, name: string): { from: string; name: string } {
  let at = { from: file, name };
  for (let hops = 0; hops < 10; hops++) {
    if (!existsSync(at.from)) return at;
    const next = namedReExports(at.from).get(at.name);
    if (!next) return at;
    at = next;
  }
  return at;
}

/**
 * Three jobs, all for code splitting:
 *  - a handler's import of the barrel becomes a module of its own that re-exports only the names that handler
 *    imports, each straight from its package. Why: esbuild puts into one chunk everything reachable through a
 *    file that several entries import, used or not, so a barrel shared by every handler would hand each
 *    handler the whole layer; through its own little barrel, a handler reaches only what it calls;
 *  - every module of shared/ is declared free of import side effects, so an unused re-export (a package
 *    index's) drops the module it names. Safe because no module of shared/ is imported for its side effects
 *    alone (test/unit/layer-surface.test.ts keeps it so);
 *  - a handler may import shared/ only through the barrel shared/index.ts (the client layer's surface); any
 *    other import into shared/ is refused.
 */
export function layerImportPlugin(): Plugin {
  const sharedDir = path.join(repoRoot, 'shared') + path.sep;
  const barrelFile = path.join(repoRoot, 'shared', 'index.ts');
  return {
    name: 'p100-layer-import',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.kind === 'entry-point' || (args.pluginData as { inner?: boolean } | undefined)?.inner) return undefined;
        const importerInShared = args.importer.startsWith(sharedDir);
        const target = path.resolve(args.resolveDir, args.path);
        if (!target.startsWith(sharedDir) && !isBarrel(target)) return undefined;
        if (!importerInShared) {
          // A handler read from a file gets its own barrel; source given on stdin gets the whole one.
          if (isBarrel(target) && existsSync(args.importer)) return { path: args.importer, namespace: barrelNamespace, sideEffects: false };
          if (isBarrel(target)) return { path: barrelFile, sideEffects: false };
          return {
            errors: [
              {
                text: `${path.relative(repoRoot, args.importer)} imports "${args.path}": functions may import shared/ only through the barrel shared/index.ts (the client layer)`,
              },
            ],
          };
        }
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { inner: true } });
        if (r.errors.length > 0) return { errors: r.errors };
        return { path: r.path, sideEffects: false };
      });
      b.onLoad({ filter: /.*/, namespace: barrelNamespace }, (args) => {
        const surface = namedReExports(barrelFile);
        const handlerSource = readFileSync(args.path, 'utf8');
        const used = new Set<string>();
        for (const m of handlerSource.matchAll(/import\s*\{([^}]*)\}\s*from\s*'[^']*shared\/index(?:\.js|\.ts)?'/g))
          for (const spec of m[1]!.split(',')) {
            const name = spec
              .trim()
              .split(/\s+as\s+/)[0]
              ?.trim();
            if (name && !name.startsWith('type ')) used.add(name);
          }
        const lines = [...used].map((name) => {
          const at = surface.get(name);
          // An unknown name stays an import of the real barrel, so esbuild reports it as TypeScript would.
          if (!at) return `export { ${name} } from ${JSON.stringify(barrelFile)};`;
          const defined = definingModule(at.from, at.name);
          return `export { ${defined.name} as ${name} } from ${JSON.stringify(defined.from)};`;
        });
        return { contents: lines.join('\n'), loader: 'ts', resolveDir: path.dirname(barrelFile) };
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
 * The `@aws-sdk/*` packages some outputs of a build import (statically or with `import()`), read from the
 * esbuild metafile: the client layer is its index and its chunks. A subpath import is refused: the SDK
 * layer ships each package as one module.
 */
export function sdkPackagesImported(metafile: Metafile, outputFiles: string | readonly string[]): string[] {
  const names = new Set<string>();
  for (const outputFile of typeof outputFiles === 'string' ? [outputFiles] : outputFiles) {
    const output = metafile.outputs[metafileKey(outputFile)];
    if (!output) throw new Error(`The metafile has no output ${metafileKey(outputFile)}`);
    for (const imp of output.imports) {
      if (!imp.external || !imp.path.startsWith('@aws-sdk/')) continue;
      const name = packageNameOf(imp.path);
      if (imp.path !== name)
        throw new Error(`${metafileKey(outputFile)} imports "${imp.path}": the SDK layer exports package roots only; import from "${name}"`);
      names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * A handler runs from /var/task, where no `node_modules` is reachable: its bundle may import only chunks of
 * the client layer (absolute /opt paths) and Node.js built-ins. Anything else would fail at cold start in Lambda.
 */
function checkHandlerImports(metafile: Metafile, functions: readonly BundleInfo[], layerChunkDir: string): void {
  const chunkKey = `${metafileKey(layerChunkDir)}/`;
  const problems = functions.flatMap((f) =>
    (metafile.outputs[metafileKey(f.file)]?.imports ?? [])
      .filter((imp) => (imp.external ? !isBuiltin(imp.path) : !imp.path.startsWith(chunkKey)))
      .map((imp) => `${f.entry} imports "${imp.path}" (only the client layer's chunks under ${layerChunksPath} and node: built-ins resolve from /var/task)`),
  );
  if (problems.length > 0) throw new Error(`Cannot build: handler bundles with unresolvable imports:\n  - ${problems.join('\n  - ')}`);
}

/**
 * Points a handler bundle's chunk imports (relative, as esbuild writes them) at the layer's mount point.
 * Chunks import each other relatively inside the one chunks directory, which the layer keeps intact.
 */
export function pointChunksAtLayer(code: string): string {
  const out = code.split(`"${layerChunksRelative}`).join(`"${layerChunksPath}`);
  if (out.includes(layerChunksRelative)) throw new Error(`a handler bundle refers to ${layerChunksRelative} outside an import`);
  return out;
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
  const layerChunkDir = path.join(outDir, 'layer', 'nodejs', 'p100-shared', 'chunks');
  const functionFiles = new Set(present.map((s) => path.join(outDir, 'functions', s.name, 'index.mjs')));
  if (entryPoints.length > 0) {
    esbuildCalls += 1;
    // One build of every entry with code splitting: code two entries share goes into a chunk of the client
    // layer, code one handler alone reaches stays in its bundle. The layer barrel is an entry too, so all of
    // shared/ a handler uses is shared (with the barrel) and lands in the layer; a handler loads exactly
    // the chunks its imports reach.
    const result = await esbuild({
      entryPoints,
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      chunkNames: 'layer/nodejs/p100-shared/chunks/[name]-[hash]',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      // Our own SDK layer provides these (buildSdkLayer): never bundle them, in the layer or in a handler.
      external: ['@aws-sdk/*'],
      banner: requireBanner,
      plugins: [layerImportPlugin()],
      metafile: true,
      write: false,
      logLevel: 'warning',
      absWorkingDir: repoRoot,
    });
    metafile = result.metafile;
    for (const f of result.outputFiles) {
      mkdirSync(path.dirname(f.path), { recursive: true });
      writeFileSync(f.path, functionFiles.has(f.path) ? pointChunksAtLayer(f.text) : f.contents);
    }
  }

  const info = (name: string, entry: string, rel: string): BundleInfo => {
    const file = path.join(outDir, rel);
    return { name, entry, file, bytes: statSync(file).size };
  };
  const functions = present.map((s) => info(s.name, s.entry, `functions/${s.name}/index.mjs`));
  const layerIndex = withLayer ? info('p100-shared', layerEntry, 'layer/nodejs/p100-shared/index.mjs') : undefined;
  const chunks = existsSync(layerChunkDir) ? readdirSync(layerChunkDir).map((n) => path.join(layerChunkDir, n)) : [];
  const layerFiles = layerIndex ? [layerIndex.file, ...chunks] : [];
  const layer = layerIndex ? { ...layerIndex, bytes: layerFiles.reduce((n, f) => n + statSync(f).size, 0) } : undefined;
  if (metafile) checkHandlerImports(metafile, functions, layerChunkDir);

  let sdkLayer: SdkLayerInfo | undefined;
  if (layer && metafile) {
    const packages = sdkPackagesImported(metafile, layerFiles);
    if (packages.length > 0) {
      esbuildCalls += 1;
      sdkLayer = await buildSdkLayer(path.join(outDir, 'sdk-layer'), packages);
    }
  }
  return { outDir, functions, layer, layerFiles, sdkLayer, metafile, esbuildCalls, missing, millis: Math.round(performance.now() - started) };
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
