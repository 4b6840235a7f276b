import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sizingFor } from '../infra/lib/access.js';
import { KIND_REPRESENTATIVES, readMemoryTable } from '../infra/lib/memory-table.js';
import { functionSpecs } from '../shared/functions.js';
import type { BenchResult } from './lib/report.js';

const ID = 'B8';
const WHAT =
  'cost model: Lambda cost (arm64) per million reads, money operations and webhooks, and per reconciliation of 100,000 entries, at the memory sizes of the measured table (B10, bench/memory-table.json)';
const TARGET = 'printed from measured durations and the price table in bench/prices.json (source, date)';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface PriceTable {
  source: string;
  asOf: string;
  status: string;
  regions: Record<string, { perGbSecond: number; perMillionRequests: number }>;
  billing: { durationRoundingMs: number; initBilled: boolean };
  assumptions: { coldStartShare: number };
}

/**
 * The settings before issue 28 (issue 15 had right-sized operations and the processor to 256 MB by peak RSS),
 * so B8 shows the cost before and with the measured table; functions not listed kept their setting.
 */
const MEMORY_BEFORE_ISSUE_28: Readonly<Record<string, number>> = {
  operation: 256,
  webhook: 256,
  'job:webhook-queue': 256,
  'job:schedule': 1024,
  'job:reconcile-queue': 1024,
  'job:contract-schedule': 512,
};

/** Cost in USD of `count` invocations of `handlerMs` each at `memoryMb`, with the cold-start share paying `initMs` too. */
export function invocationCost(p: PriceTable, region: string, o: { memoryMb: number; handlerMs: number; initMs: number; count: number }): number {
  const r = p.regions[region];
  if (!r) throw new Error(`no price for region ${region} in bench/prices.json`);
  const billed = (ms: number) => Math.ceil(ms / p.billing.durationRoundingMs) * p.billing.durationRoundingMs;
  const ms = billed(o.handlerMs) + (p.billing.initBilled ? p.assumptions.coldStartShare * billed(o.initMs) : 0);
  return o.count * (r.perMillionRequests / 1e6 + (o.memoryMb / 1024) * (ms / 1000) * r.perGbSecond);
}

type Row = BenchResult & { data?: Record<string, unknown> };

/**
 * The results of this `npm run bench` run so far (run.ts writes them); a benchmark not run this time is
 * taken from the last full bench/results.json, and said so.
 */
function earlierResults(): { rows: Row[]; from: string } {
  const read = (file: string) =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { results?: Row[]; generatedAt?: string }) : { results: [] as Row[] };
  const now = read(path.join(here, '.tmp', 'run-so-far.json'));
  const last = read(path.join(here, 'results.json'));
  const rows = new Map<string, Row>();
  const origin = new Map<string, string>();
  const take = (list: Row[] | undefined, where: string) => {
    for (const r of list ?? []) {
      if (r.status === 'NOT MEASURED') continue;
      rows.set(r.id, r);
      origin.set(r.id, where);
    }
  };
  take(last.results, `bench/results.json of ${last.generatedAt ?? '?'}`);
  take(now.results, 'this run');
  const from = [...new Set(origin.values())]
    .map(
      (o) =>
        `${[...origin]
          .filter(([, v]) => v === o)
          .map(([k]) => k)
          .join(' ')} from ${o}`,
    )
    .join('; ');
  return { rows: [...rows.values()], from: from || 'nothing' };
}

/**
 * B8, priced from the memory table (B10, bench/memory-table.json): for a read, a money operation and a webhook
 * (their kinds' representatives), the warm p50 and the cold path measured under the Lambda CPU model at each
 * size, at the size the table chose (what infra/lib/access.ts deploys) and at the size before issue 28; a
 * reconciliation of 100,000 entries from B4 (its run time at 100,000 entries or scaled linearly from a smaller
 * run, unthrottled: a lower bound below 1,769 MB).
 */
export async function benchCost(): Promise<BenchResult> {
  const prices = JSON.parse(readFileSync(path.join(here, 'prices.json'), 'utf8')) as PriceTable;
  const table = readMemoryTable();
  const { rows, from } = earlierResults();
  const b4 = rows.find((r) => r.id === 'B4')?.data as Record<string, unknown> | undefined;
  const reconcileMs = b4 ? ((b4['reconcileMs'] as number) * 100_000) / (b4['entries'] as number) : undefined;
  const specs = new Map(functionSpecs().map((s) => [s.name, s]));
  const beforeOf = (name: string): number => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`B8: no function ${name}`);
    return MEMORY_BEFORE_ISSUE_28[spec.kind === 'job' ? `job:${spec.job.trigger}` : spec.kind] ?? sizingFor(spec).memoryMb;
  };
  const regions = Object.keys(prices.regions);
  const missing: string[] = [];
  const lines: { what: string; text: string; chosenMb: number; beforeMb: number }[] = [];
  for (const [kind, what] of [
    ['read', 'a read'],
    ['money', 'a money operation'],
    ['receiver', 'a webhook (receiver)'],
  ] as const) {
    const row = table.kinds[kind];
    const name = KIND_REPRESENTATIVES[kind];
    const spec = specs.get(name);
    if (!spec) throw new Error(`B8: no function ${name}`);
    const chosenMb = sizingFor(spec).memoryMb;
    const beforeMb = beforeOf(name);
    const at = (mb: number) => row?.sizes[String(mb)];
    if (!at(chosenMb) || !at(beforeMb)) {
      missing.push(`${kind} at ${chosenMb} and ${beforeMb} MB`);
      continue;
    }
    const cost = (mb: number) => {
      const f = at(mb)!;
      return regions
        .map((r) => `${r} $${invocationCost(prices, r, { memoryMb: mb, handlerMs: f.warmP50Ms, initMs: f.coldPathMs, count: 1e6 }).toFixed(2)}`)
        .join(', ');
    };
    const f = at(chosenMb)!;
    lines.push({
      what,
      chosenMb,
      beforeMb,
      text: `${what} (${name}), per million: at ${chosenMb} MB (the table's choice) warm p50 ${f.warmP50Ms} ms, cold path ${Math.round(f.coldPathMs)} ms on ${prices.assumptions.coldStartShare * 100}%: ${cost(chosenMb)}${beforeMb !== chosenMb ? `; at ${beforeMb} MB (before): ${cost(beforeMb)}` : ''}`,
    });
  }
  if (reconcileMs !== undefined) {
    const mb = sizingFor(specs.get('reconcile')!).memoryMb;
    lines.push({
      what: 'reconciliation',
      chosenMb: mb,
      beforeMb: beforeOf('reconcile'),
      text: `one reconciliation of 100,000 entries (B4, ${Math.round(reconcileMs / 1000)} s unthrottled) at ${mb} MB: ${regions.map((r) => `${r} $${invocationCost(prices, r, { memoryMb: mb, handlerMs: reconcileMs, initMs: 0, count: 1 }).toFixed(5)}`).join(', ')}`,
    });
  } else missing.push(`B4 (reconciliation duration) from ${from}`);
  if (lines.length === 0)
    return { id: ID, what: WHAT, target: TARGET, figure: '-', status: 'NOT MEASURED', reason: `needs ${missing.join(', ')}: run B10 (and B4) first` };
  const sizes = [...specs.values()].map((s) => ({ name: s.name, kind: s.kind, beforeMb: beforeOf(s.name), nowMb: sizingFor(s).memoryMb }));
  return {
    id: ID,
    what: WHAT,
    target: TARGET,
    figure: `${lines.map((l) => l.text).join('; ')}. Prices: ${prices.source}, as of ${prices.asOf}, ${prices.status}; memory table of ${table.generatedAt}${missing.length ? `; not priced: ${missing.join(', ')}` : ''}`,
    status: 'MET',
    data: { prices, from, table: table.generatedAt, cases: lines, sizes },
  };
}
