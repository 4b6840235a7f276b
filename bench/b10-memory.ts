import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sizingFor } from '../infra/lib/access.js';
import { KIND_REPRESENTATIVES, memoryTableFile, type MemoryTable, type MemoryTableRow, type SizedKind } from '../infra/lib/memory-table.js';
import { functionSpecs } from '../shared/functions.js';
import { invocationCost, type PriceTable } from './b8-cost.js';
import type { BenchResult } from './lib/report.js';
import { MEMORY_SIZES_MB } from './lib/lambda-cpu.js';
import { eventsFor, prepareLambdaTree, quietly, runContainer, startModelSuite, summarise } from './lib/lambda-model.js';
import { captureOutput } from './lib/capture.js';
import { round } from './lib/stats.js';

const ID = 'B10';
const WHAT = 'memory by measurement: per function kind, cold path, warm p50/p99 and cost per million at 128–1,769 MB under the Lambda CPU model';
const TARGET = 'the cheapest size within both budgets (ASSUMPTIONS W1, W2); infra and B8 read the table';
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The budgets (ASSUMPTIONS W1, W2). Both relative to the same function at 1,769 MB (one full vCPU) measured in
 * the same run, so they hold on a loaded bench machine: what a smaller size ADDS is what the rule limits.
 * W1 warm p99 added latency (ms over the 1,769 MB p99); W2 cold path (× the 1,769 MB cold path).
 */
export const BUDGETS: Readonly<Record<'api' | 'processor' | 'job', { warmP99AddedMs: number; coldPathX: number }>> = {
  // A caller waits: read, write, money, receiver (P100 waits for the webhook's answer).
  api: { warmP99AddedMs: 50, coldPathX: 2 },
  // Asynchronous, but on the webhook path: events reach subscribers through it.
  processor: { warmP99AddedMs: 100, coldPathX: 3 },
  // Scheduled or queued work nobody waits on: only the timeout bounds it.
  job: { warmP99AddedMs: 1000, coldPathX: 4 },
};
/** The function's configured timeout (what its context's remaining time starts from). */
const timeoutMs = (name: string): number => {
  const spec = functionSpecs().find((f) => f.name === name);
  return spec ? sizingFor(spec).timeoutSeconds * 1000 : 28_000;
};
const budgetOf = (kind: SizedKind) => (kind === 'processor' ? BUDGETS.processor : kind.startsWith('job:') ? BUDGETS.job : BUDGETS.api);

export interface SizeFigures {
  coldPathMs: number;
  warmP50Ms: number;
  warmP99Ms: number;
  costPerMillionUsd: number;
  load1m: number;
}

/** The rule: the cheapest size whose warm p99 added latency and cold path are within the kind's budgets. */
export function chooseSize(kind: SizedKind, sizes: Readonly<Record<number, SizeFigures>>): { chosenMb: number; reason: string } {
  const b = budgetOf(kind);
  const full = sizes[1769];
  if (!full) throw new Error('B10 needs the 1,769 MB figures (the budgets are relative to them)');
  const within = Object.entries(sizes)
    .map(([mb, f]) => ({ mb: Number(mb), f }))
    .filter(({ f }) => f.warmP99Ms - full.warmP99Ms <= b.warmP99AddedMs && f.coldPathMs <= b.coldPathX * full.coldPathMs)
    .sort((x, y) => x.f.costPerMillionUsd - y.f.costPerMillionUsd || x.mb - y.mb);
  const pick = within[0] ?? { mb: 1769, f: full };
  const over = MEMORY_SIZES_MB.filter((mb) => mb < pick.mb && sizes[mb]).map((mb) => {
    const f = sizes[mb] as SizeFigures;
    const why = [
      f.warmP99Ms - full.warmP99Ms > b.warmP99AddedMs ? `warm p99 +${round(f.warmP99Ms - full.warmP99Ms, 0)} ms` : '',
      f.coldPathMs > b.coldPathX * full.coldPathMs ? `cold path ${round(f.coldPathMs / full.coldPathMs, 1)}×` : '',
    ].filter(Boolean);
    return why.length ? `${mb} MB: ${why.join(', ')}` : `${mb} MB: dearer ($${f.costPerMillionUsd.toFixed(2)})`;
  });
  return {
    chosenMb: pick.mb,
    reason:
      `${within.length ? 'cheapest within' : 'none within; the largest'} (warm p99 ≤ +${b.warmP99AddedMs} ms, cold path ≤ ${b.coldPathX}× the 1,769 MB figures): ` +
      `$${pick.f.costPerMillionUsd.toFixed(2)}/M, cold ${round(pick.f.coldPathMs, 0)} ms, p99 ${round(pick.f.warmP99Ms, 1)} ms` +
      (over.length ? `; smaller: ${over.join('; ')}` : ''),
  };
}

/**
 * B10, Lambda Power Tuning's method under the Lambda CPU model: for one representative function per kind, at
 * each memory size one fresh container serves a first request and `warm` more (real, successful requests
 * against the local suite), its invoke phase under the size's CPU quota (init unthrottled). Writes the table
 * (bench/memory-table.json) that infra/lib/access.ts and B8 read. Bounded: 8 functions × 5 sizes × 1 container.
 */
export async function benchMemory(o: { warm?: number; write?: boolean } = {}): Promise<BenchResult> {
  const warm = o.warm ?? 40;
  const prices = JSON.parse(readFileSync(path.join(here, 'prices.json'), 'utf8')) as PriceTable;
  const region = Object.keys(prices.regions)[0] as string;
  const cap = captureOutput({ keep: false });
  const tree = await prepareLambdaTree(path.join(here, '.tmp', 'b10'), [...Object.values(KIND_REPRESENTATIVES)]);
  const m = await quietly(() => startModelSuite());
  const kinds: Partial<Record<SizedKind, MemoryTableRow>> = {};
  let model = '';
  try {
    for (const [kind, name] of Object.entries(KIND_REPRESENTATIVES) as [SizedKind, string][]) {
      const sizes: Record<number, SizeFigures> = {};
      for (const memoryMb of MEMORY_SIZES_MB) {
        const { events, expect } = await eventsFor(m, name, warm + 1);
        const run = await runContainer(tree, m, { name, memoryMb, timeoutMs: timeoutMs(name), events, expect });
        model = run.model;
        const s = summarise([run]);
        const handlerMs = s.warmP50Ms ?? 0;
        sizes[memoryMb] = {
          coldPathMs: s.coldPathMs,
          warmP50Ms: handlerMs,
          warmP99Ms: s.warmP99Ms ?? 0,
          costPerMillionUsd: round(invocationCost(prices, region, { memoryMb, handlerMs, initMs: s.coldPathMs, count: 1e6 }), 4),
          load1m: round(os.loadavg()[0] ?? 0),
        };
      }
      kinds[kind] = { function: name, ...chooseSize(kind, sizes), sizes: Object.fromEntries(Object.entries(sizes)) };
    }
  } finally {
    cap.stop();
    await m.close();
  }
  const table: MemoryTable = {
    generatedAt: new Date().toISOString(),
    budgets: {
      about: 'ASSUMPTIONS W1 (warm p99 added over the same function at 1,769 MB) and W2 (cold path × its 1,769 MB cold path)',
      ...Object.fromEntries(Object.entries(BUDGETS).map(([k, b]) => [k, `warm p99 ≤ +${b.warmP99AddedMs} ms, cold path ≤ ${b.coldPathX}×`])),
      model: `${model === 'cgroup' ? 'cgroup v1 CPU quota' : 'CPU time / share (no writable cgroup)'}; ${warm} warm requests per size; cost ${region}, 1% cold starts`,
    },
    kinds: kinds as Record<SizedKind, MemoryTableRow>,
  };
  if (o.write ?? true) writeFileSync(memoryTableFile, `${JSON.stringify(table, null, 2)}\n`);
  return { id: ID, what: WHAT, target: TARGET, figure: formatMemoryTable(table), status: 'MET', data: { table } };
}

/** The table as `npm run bench -- B10` prints it. */
export function formatMemoryTable(t: MemoryTable): string {
  const lines = Object.entries(t.kinds).map(([kind, row]) => {
    const cells = MEMORY_SIZES_MB.map((mb) => {
      const f = row.sizes[String(mb)];
      return f
        ? `${mb}: cold ${round(f.coldPathMs, 0)} / p50 ${round(f.warmP50Ms, 1)} / p99 ${round(f.warmP99Ms, 1)} ms, $${f.costPerMillionUsd.toFixed(2)}/M (load ${f.load1m})`
        : `${mb}: -`;
    });
    return `\n  ${kind} (${row.function}) → ${row.chosenMb} MB [${row.reason}]\n      ${cells.join('\n      ')}`;
  });
  return `memory table of ${t.generatedAt} (bench/memory-table.json):${lines.join('')}`;
}
