import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { handlerSizeBudgetBytes } from '../infra/build.js';
import { sizingFor } from '../infra/lib/access.js';
import { KIND_REPRESENTATIVES } from '../infra/lib/memory-table.js';
import { functionSpecs } from '../shared/functions.js';
import { captureOutput } from './lib/capture.js';
import { eventsFor, prepareLambdaTree, profileBreakdown, quietly, runContainer, startModelSuite, summarise, type ContainerRun } from './lib/lambda-model.js';
import type { BenchResult } from './lib/report.js';
import { round } from './lib/stats.js';

const ID = 'B2';
const WHAT =
  "cold path under the Lambda CPU model: init + the first real (successful) request of each function at its configured memory, vs a floor's cold path (one secret, one DynamoDB call, one fetch to P100); sizes";
const TARGET = 'every function ≤ 1.15× floor; handler ≤ 10 KB; layer ≤ 1 MB';
const LAYER_BUDGET = 1024 * 1024;
const RATIO_TARGET = 1.15;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface B2Options {
  /** Containers per function (median taken); each interleaved with a floor container at the same memory. */
  reps?: number;
  /** Warm requests after the first, per container. */
  warm?: number;
  /** Only these function names (default: one per kind of the memory table, and getUserBalances). */
  only?: string[];
}

/**
 * B2, the cold path as Lambda runs it (issue 28). The production build laid out as Lambda mounts it
 * (bench/lib/lambda-model.ts); each function at its configured memory (infra/lib/access.ts `sizingFor`, from
 * bench/memory-table.json) runs in fresh processes: init (the import of its handler) unthrottled, then the
 * invoke phase under a CPU quota of Lambda's share for that memory: the first request, a real one that
 * succeeds against the local suite (sandbox, dynalite, Secrets Manager stand-in), and a few warm ones. A
 * floor container at the same memory is interleaved with every function container. Init throttled too is
 * measured once per function (and floor) and reported beside. The first request of a read and of a money
 * operation is CPU-profiled (node:inspector, as `node --cpu-prof`), and where its CPU goes is printed.
 */
export async function benchColdStart(o: B2Options = {}): Promise<BenchResult> {
  const reps = o.reps ?? 3;
  const warm = o.warm ?? 5;
  const cap = captureOutput({ keep: false });
  const names = o.only ?? [...new Set(['getUserBalances', ...Object.values(KIND_REPRESENTATIVES)])];
  const work = path.join(repoRoot, 'bench', '.tmp', 'b2');
  const tree = await prepareLambdaTree(work, names);
  const layerBytes = tree.built.layer?.bytes ?? 0;
  const specs = new Map(functionSpecs().map((s) => [s.name, s]));
  const m = await quietly(() => startModelSuite());
  const rows: Record<string, unknown>[] = [];
  const failed: string[] = [];
  let model = '';
  const profiles: Record<string, { where: string; ms: number }[]> = {};
  try {
    for (const name of names) {
      const spec = specs.get(name);
      if (!spec) continue;
      const { memoryMb, timeoutSeconds } = sizingFor(spec);
      try {
        const fn: ContainerRun[] = [];
        const floor: ContainerRun[] = [];
        const run = async (who: string, throttleInit = false, profileFile?: string) => {
          const { events, expect } = await eventsFor(m, who, warm + 1);
          return runContainer(tree, m, {
            name: who,
            memoryMb,
            timeoutMs: timeoutSeconds * 1000,
            events,
            expect,
            throttleInit,
            ...(profileFile ? { profileFile } : {}),
          });
        };
        for (let r = 0; r < reps; r++) {
          floor.push(await run('floor'));
          fn.push(await run(name));
        }
        const floorThrottled = await run('floor', true);
        const fnThrottled = await run(name, true);
        model = fn[0]?.model ?? model;
        if (name === 'getPartnerBalances' || name === 'createTransfer') {
          const file = path.join(work, `${name}.cpuprofile`);
          await run(name, false, file);
          profiles[name] = profileBreakdown(file, tree.built.metafile, work).slice(0, 8);
        }
        const f = summarise(fn);
        const fl = summarise(floor);
        rows.push({
          name,
          kind: spec.kind === 'operation' ? spec.operation.kind : spec.kind,
          memoryMb,
          share: round(fn[0]?.share ?? 0, 3),
          ...f,
          floorColdPathMs: fl.coldPathMs,
          floorWarmP99Ms: fl.warmP99Ms,
          ratio: round(f.coldPathMs / fl.coldPathMs),
          initThrottledColdPathMs: round(fnThrottled.coldPathMs),
          floorInitThrottledColdPathMs: round(floorThrottled.coldPathMs),
          ratioInitThrottled: round(fnThrottled.coldPathMs / floorThrottled.coldPathMs),
          load1m: round(os.loadavg()[0] ?? 0),
        });
      } catch (e) {
        failed.push(`${name}: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`);
      }
    }
  } finally {
    cap.stop();
    await m.close();
  }
  type Row = {
    name: string;
    ratio: number;
    coldPathMs: number;
    floorColdPathMs: number;
    memoryMb: number;
    initMs: number;
    firstMs: number;
    firstCpuMs: number;
    ratioInitThrottled: number;
    load1m: number;
  };
  const measured = rows as unknown as Row[];
  const slow = measured.filter((r) => r.ratio > RATIO_TARGET);
  const big = tree.built.functions.filter((f) => f.bytes > handlerSizeBudgetBytes);
  const largest = [...tree.built.functions].sort((a, b) => b.bytes - a.bytes)[0];
  const notMeasured = tree.built.functions.length - measured.length;
  const problems: string[] = [];
  if (slow.length)
    problems.push(
      `${slow.length} of ${measured.length} above ${RATIO_TARGET}× the floor: ` +
        slow.map((r) => `${r.name} ${r.ratio}× (first request ${r.firstCpuMs} ms CPU; load ${r.load1m})`).join('; ') +
        ". What remains of a first request's CPU is in the profiles below (data.profiles).",
    );
  if (failed.length) problems.push(`not measured: ${failed.join('; ')}`);
  if (notMeasured > 0)
    problems.push(
      `${notMeasured} functions not run (no canned successful request for them here): they share the code path of their kind's representative, sized by the same table`,
    );
  if (big.length) problems.push(`handler bundles over 10 KB: ${big.map((b) => b.name).join(', ')}`);
  if (layerBytes > LAYER_BUDGET) problems.push(`layer is ${(layerBytes / 1024).toFixed(0)} KB`);
  const profileText = Object.entries(profiles)
    .map(([n, p]) => `${n} first request CPU: ${p.map((x) => `${x.where} ${x.ms} ms`).join(', ')}`)
    .join('; ');
  const met = slow.length === 0 && failed.length === 0 && big.length === 0 && layerBytes <= LAYER_BUDGET;
  return {
    id: ID,
    what: WHAT,
    target: TARGET,
    figure:
      `model: ${model === 'cgroup' ? 'cgroup v1 CPU quota (memory/1,769 MB of a vCPU) on the invoke phase, init unthrottled' : 'CPU time / share (cgroups not writable here)'}; ` +
      measured
        .map(
          (r) =>
            `${r.name} @${r.memoryMb} MB: cold path ${round(r.coldPathMs, 0)} ms (init ${round(r.initMs, 0)} + first ${round(r.firstMs, 0)}) vs floor ${round(r.floorColdPathMs, 0)} = ${r.ratio}× (init throttled too: ${r.ratioInitThrottled}×; load ${r.load1m})`,
        )
        .join('; ') +
      `; largest handler ${largest ? `${(largest.bytes / 1024).toFixed(1)} KB` : '-'}; layer ${(layerBytes / 1024).toFixed(0)} KB (median of ${reps} containers each)` +
      (profileText ? `. ${profileText}` : ''),
    status: met ? 'MET' : 'MISSED',
    ...(problems.length ? { reason: problems.join('; ') } : {}),
    data: { reps, warm, model, functions: rows, profiles, failed, layerBytes, layerFiles: tree.built.layerFiles.length },
  };
}
