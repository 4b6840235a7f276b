import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import { buildAll, handlerSizeBudgetBytes, layerImportPath } from '../infra/build.js';
import type { BenchResult } from './lib/report.js';
import { median, round } from './lib/stats.js';

const ID = 'B2';
const WHAT = 'cold start: module init of each built function (handler + layer) vs a floor bundle that only creates a Secrets Manager client; sizes';
const TARGET = 'every function ≤ 1.3× floor; handler ≤ 10 KB; layer ≤ 1 MB';
const LAYER_BUDGET = 1024 * 1024;
const RATIO_TARGET = 1.3;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface B2Options {
  /** Fresh processes per bundle (median taken). */
  reps?: number;
  /** Only these function names (default: every built function). */
  only?: string[];
}

/** Child-process runner: the time `await import(file)` takes, i.e. module evaluation with all its imports. */
const RUNNER = `const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));`;

function initMs(file: string): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', RUNNER, pathToFileURL(file).href], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NODE_OPTIONS: '',
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(out.trim());
  if (!Number.isFinite(ms)) throw new Error(`init runner printed "${out}" for ${file}`);
  return ms;
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

  const layerUrl = pathToFileURL(built.layer.file).href;
  const fns = built.functions.filter((f) => !o.only || o.only.includes(f.name));
  const runnable = fns.map((f) => {
    const src = readFileSync(f.file, 'utf8');
    if (!src.includes(layerImportPath)) throw new Error(`${f.name}: bundle does not import ${layerImportPath}`);
    const file = path.join(work, 'run', f.name, 'index.mjs');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, src.split(layerImportPath).join(layerUrl));
    return { ...f, runFile: file };
  });

  // Warm the OS file cache (the first process pays for disk reads in any order): excluded.
  initMs(floorFile);
  if (runnable[0]) initMs(runnable[0].runFile);

  const floorRuns: number[] = [];
  const perFn = new Map<string, number[]>(runnable.map((f) => [f.name, []]));
  for (let r = 0; r < reps; r++) {
    for (const f of runnable) {
      floorRuns.push(initMs(floorFile));
      perFn.get(f.name)?.push(initMs(f.runFile));
    }
  }
  const floor = median(floorRuns);
  const rows = runnable.map((f) => {
    const ms = median(perFn.get(f.name) ?? []);
    return { name: f.name, initMs: round(ms), ratio: round(ms / floor), bytes: f.bytes };
  });
  const worst = [...rows].sort((a, b) => b.ratio - a.ratio)[0];
  const slow = rows.filter((r) => r.ratio > RATIO_TARGET);
  const big = rows.filter((r) => r.bytes > handlerSizeBudgetBytes);
  const layerBytes = built.layer.bytes;
  const largest = [...rows].sort((a, b) => b.bytes - a.bytes)[0];
  const problems: string[] = [];
  // Where the time goes: the SDK clients the layer imports at load, each a separate module graph (the floor loads one).
  const sdkAtLoad = [...new Set([...readFileSync(built.layer.file, 'utf8').matchAll(/from\s*"(@aws-sdk\/[a-z0-9-]+)"/g)].map((m) => m[1]))];
  if (slow.length)
    problems.push(
      `${slow.length} function(s) above ${RATIO_TARGET}× the floor (best ${[...rows].sort((a, b) => a.ratio - b.ratio)[0]?.ratio}×, worst ${worst?.name} ${worst?.ratio}×). ` +
        `Every function loads the whole layer, which imports ${sdkAtLoad.length} AWS SDK package(s) at module load (${sdkAtLoad.join(', ')}; the others are loaded with import() on first use). ` +
        'What remains is the layer itself, mostly the zod schemas of the whole catalog (51 operations, request and response) built at import. ' +
        "Further: build each catalog entry's schemas on first use, so a function builds only its own.",
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
      `floor ${round(floor)} ms; ${rows.length} functions: worst ${worst ? `${worst.name} ${worst.initMs} ms = ${worst.ratio}×` : '-'}; ` +
      `largest handler ${largest ? `${(largest.bytes / 1024).toFixed(1)} KB` : '-'}; layer ${(layerBytes / 1024).toFixed(0)} KB (median of ${reps} fresh processes each)`,
    status: met ? 'MET' : 'MISSED',
    ...(problems.length ? { reason: problems.join('; ') } : {}),
    data: { reps, floorMs: floor, floorRuns, layerBytes, missing: built.missing, functions: rows },
  };
}

/** Init time of the layer alone (what every function pays), for the diagnosis printed with B2. */
export function layerInitMs(reps = 5): number {
  const file = path.join(repoRoot, 'bench', '.tmp', 'b2', 'dist', 'layer', 'nodejs', 'p100-shared', 'index.mjs');
  statSync(file);
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) runs.push(initMs(file));
  return median(runs);
}
