import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild, type Metafile } from 'esbuild';
import { functionSpecs } from '../shared/functions.js';
import { buildAll, handlerSizeBudgetBytes, layerChunksPath } from '../infra/build.js';
import type { BenchResult } from './lib/report.js';
import { median, round } from './lib/stats.js';

const ID = 'B2';
const WHAT = 'cold start: module init of each built function (handler + layer) vs a floor bundle that only creates a Secrets Manager client; sizes';
const TARGET = 'every function ≤ 1.15× floor; handler ≤ 10 KB; layer ≤ 1 MB';
const LAYER_BUDGET = 1024 * 1024;
const RATIO_TARGET = 1.15;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface B2Options {
  /** Fresh processes per bundle (median taken). */
  reps?: number;
  /** Only these function names (default: every built function). */
  only?: string[];
}

/**
 * Child-process runner: the time `await import(file)` takes, i.e. module evaluation with all its imports.
 * With a second argument, also the time to the end of a first request that every operation refuses before
 * P100 (a body without Content-Type: 415): what an operation defers to its first request (its catalog entry,
 * zod, the middy stack) is then counted too.
 */
const RUNNER = `const t0 = performance.now(); const m = await import(process.argv[1]); const t1 = performance.now();
let t2 = t1;
if (process.argv[2] === 'first-request') {
  const r = await m.handler({ requestContext: { http: { method: 'POST' }, requestId: 'b2' }, rawPath: '/', headers: {}, body: 'x' }, { awsRequestId: 'b2', getRemainingTimeInMillis: () => 10000 });
  if (r.statusCode !== 415) throw new Error('first request answered ' + r.statusCode);
  t2 = performance.now();
}
process.stdout.write((t1 - t0) + ' ' + (t2 - t0) + ' ' + process.memoryUsage().rss);`;

function initMs(file: string, firstRequest = false): number {
  return runMs(file, firstRequest)[0];
}

function runMs(file: string, firstRequest = false): [number, number, number] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', RUNNER, pathToFileURL(file).href, ...(firstRequest ? ['first-request'] : [])], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NODE_OPTIONS: '',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [init, first, rss] = out.trim().split(' ').map(Number);
  if (!Number.isFinite(init) || !Number.isFinite(first) || !Number.isFinite(rss)) throw new Error(`init runner printed "${out}" for ${file}`);
  return [init as number, first as number, rss as number];
}

/**
 * B2. Builds every function with the production build (infra/build.ts) into a scratch dist, copies each
 * handler bundle beside a copy of the layer with its `/opt/nodejs/p100-shared/index.mjs` import pointed
 * at that copy (what Lambda loads, minus the mount), and times `await import()` in fresh Node processes.
 * The floor is a bundle with the same esbuild settings whose only code is `new SecretsManagerClient({})`
 * (SDK external, resolved from node_modules as the runtime provides it). Floor and function runs are
 * interleaved so machine noise hits both; each figure is the median of `reps` fresh processes.
 */
export async function benchColdStart(o: B2Options = {}): Promise<BenchResult> {
  const reps = o.reps ?? 7;
  const work = path.join(repoRoot, 'bench', '.tmp', 'b2');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const built = await buildAll({ outDir: path.join(work, 'dist'), strict: false });
  if (!built.layer) return { id: ID, what: WHAT, target: TARGET, figure: '-', status: 'NOT MEASURED', reason: 'the layer (shared/index.ts) did not build' };

  // The floor, with the same esbuild settings as infra/build.ts.
  const floorSrc = path.join(work, 'floor-src.mjs');
  writeFileSync(floorSrc, "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';\nexport const client = new SecretsManagerClient({});\n");
  const floorFile = path.join(work, 'floor', 'index.mjs');
  await esbuild({
    entryPoints: [floorSrc],
    outfile: floorFile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    external: ['@aws-sdk/*', '@smithy/*'],
    banner: { js: "import{createRequire as __p100Require}from'node:module';const require=__p100Require(import.meta.url);" },
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });

  const chunksUrl = `${pathToFileURL(path.join(path.dirname(built.layer.file), 'chunks')).href}/`;
  const fns = built.functions.filter((f) => !o.only || o.only.includes(f.name));
  const runnable = fns.map((f) => {
    const src = readFileSync(f.file, 'utf8');
    if (!src.includes(layerChunksPath)) throw new Error(`${f.name}: bundle does not import ${layerChunksPath}`);
    const file = path.join(work, 'run', f.name, 'index.mjs');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, src.split(layerChunksPath).join(chunksUrl));
    return { ...f, runFile: file };
  });

  // Warm the OS file cache (the first process pays for disk reads in any order): excluded.
  initMs(floorFile);
  if (runnable[0]) initMs(runnable[0].runFile);

  const kinds = new Map(functionSpecs().map((spec) => [spec.name, spec.kind]));
  const floorRuns: number[] = [];
  const perFn = new Map<string, { init: number[]; first: number[]; rss: number[] }>(runnable.map((f) => [f.name, { init: [], first: [], rss: [] }]));
  for (let r = 0; r < reps; r++) {
    for (const f of runnable) {
      floorRuns.push(initMs(floorFile));
      const [init, first, rss] = runMs(f.runFile, kinds.get(f.name) === 'operation');
      perFn.get(f.name)?.init.push(init);
      perFn.get(f.name)?.rss.push(rss);
      if (kinds.get(f.name) === 'operation') perFn.get(f.name)?.first.push(first);
    }
  }
  const floor = median(floorRuns);
  const loads = built.metafile ? initLoads(built.metafile) : new Map<string, InitLoad>();
  const rows = runnable.map((f) => {
    const runs = perFn.get(f.name) ?? { init: [], first: [], rss: [] };
    const ms = median(runs.init);
    const load = loads.get(f.file);
    return {
      name: f.name,
      kind: kinds.get(f.name) ?? 'operation',
      initMs: round(ms),
      ratio: round(ms / floor),
      ...(runs.first.length ? { firstRequestMs: round(median(runs.first)) } : {}),
      bytes: f.bytes,
      /** Resident set of the fresh process after init (and an operation's first request): B8 sizes memory from it. */
      rssMB: round(Math.max(...runs.rss) / 2 ** 20, 1),
      initKB: load ? round(load.bytes / 1024) : undefined,
      heaviest: load?.heaviest ?? [],
    };
  });
  const worst = [...rows].sort((a, b) => b.ratio - a.ratio)[0];
  const slow = rows.filter((r) => r.ratio > RATIO_TARGET);
  const big = rows.filter((r) => r.bytes > handlerSizeBudgetBytes);
  const layerBytes = built.layer.bytes;
  const largest = [...rows].sort((a, b) => b.bytes - a.bytes)[0];
  const sorted = [...rows].sort((a, b) => a.ratio - b.ratio);
  const medianRatio = sorted[Math.floor(sorted.length / 2)]?.ratio;
  const firsts = rows.flatMap((r) => (r.firstRequestMs === undefined ? [] : [r.firstRequestMs - r.initMs]));
  const problems: string[] = [];
  if (slow.length)
    problems.push(
      `${slow.length} of ${rows.length} function(s) above ${RATIO_TARGET}× the floor: ` +
        slow
          .sort((a, b) => b.ratio - a.ratio)
          .slice(0, 6)
          .map((r) => `${r.name} ${r.ratio}× (loads ${r.initKB} KB of JS at init; heaviest: ${r.heaviest.slice(0, 3).join(', ')})`)
          .join('; ') +
        '. Each function loads only the layer chunks its code reaches and an operation builds its catalog entry on the first request; ' +
        'what is left is the code a function runs: zod (~85 KB, needed by any function that parses with it: the reconciliation jobs, the webhook processor), ' +
        "Powertools logger, middy, and the SDK client the floor also loads. Further: parse upstream answers in the jobs without zod, or load the jobs' parsers on first use.",
    );
  if (big.length) problems.push(`handler bundles over 10 KB: ${big.map((b) => b.name).join(', ')}`);
  if (layerBytes > LAYER_BUDGET) problems.push(`layer is ${(layerBytes / 1024).toFixed(0)} KB`);
  if (built.missing.length) problems.push(`${built.missing.length} entry file(s) not built yet (not measured): ${built.missing.join(', ')}`);
  const met = slow.length === 0 && big.length === 0 && layerBytes <= LAYER_BUDGET && built.missing.length === 0;
  return {
    id: ID,
    what: WHAT,
    target: TARGET,
    figure:
      `floor ${round(floor)} ms; ${rows.length} functions: best ${sorted[0]?.ratio}×, median ${medianRatio}×, worst ${worst ? `${worst.name} ${worst.initMs} ms = ${worst.ratio}×` : '-'}; ` +
      (firsts.length ? `an operation's first request adds median ${round(median(firsts))} ms (its catalog entry, zod, the stack; a refused request); ` : '') +
      `largest handler ${largest ? `${(largest.bytes / 1024).toFixed(1)} KB` : '-'}; layer ${(layerBytes / 1024).toFixed(0)} KB in ${built.layerFiles.length} files (median of ${reps} fresh processes each)`,
    status: met ? 'MET' : 'MISSED',
    ...(problems.length ? { reason: problems.join('; ') } : {}),
    data: { reps, floorMs: floor, floorRuns, layerBytes, layerFiles: built.layerFiles.length, missing: built.missing, functions: rows },
  };
}

interface InitLoad {
  /** Bytes of JS the static import closure of the bundle holds (handler and the chunks it imports). */
  bytes: number;
  /** The largest sources in it (package or shared/ module), for the reason line. */
  heaviest: string[];
}

/** What each output loads at cold start, from the metafile: its static imports, transitively. */
export function initLoads(metafile: Metafile): Map<string, InitLoad> {
  const out = new Map<string, InitLoad>();
  for (const key of Object.keys(metafile.outputs)) {
    if (!key.includes('/functions/')) continue;
    const seen = new Set<string>();
    const queue = [key];
    while (queue.length) {
      const k = queue.pop() as string;
      if (seen.has(k)) continue;
      seen.add(k);
      for (const i of metafile.outputs[k]?.imports ?? []) if (!i.external && i.kind === 'import-statement') queue.push(i.path);
    }
    const bySource = new Map<string, number>();
    for (const k of seen)
      for (const [input, v] of Object.entries(metafile.outputs[k]?.inputs ?? {})) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
        const name = m ? (m[1] as string) : input.replace(/^shared\//, '').replace(/\/[^/]+$/, '/');
        bySource.set(name, (bySource.get(name) ?? 0) + v.bytesInOutput);
      }
    const bytes = [...bySource.values()].reduce((n, b) => n + b, 0);
    const heaviest = [...bySource].sort((a, b) => b[1] - a[1]).map(([n, b]) => `${n} ${(b / 1024).toFixed(0)} KB`);
    out.set(path.join(repoRoot, key), { bytes, heaviest });
  }
  return out;
}

/** Init time of the layer alone (what every function pays), for the diagnosis printed with B2. */
export function layerInitMs(reps = 5): number {
  const file = path.join(repoRoot, 'bench', '.tmp', 'b2', 'dist', 'layer', 'nodejs', 'p100-shared', 'index.mjs');
  statSync(file);
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) runs.push(initMs(file));
  return median(runs);
}
