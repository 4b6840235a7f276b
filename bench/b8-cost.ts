import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sizingFor } from '../infra/lib/access.js';
import { functionSpecs, type FunctionSpec } from '../shared/functions.js';
import type { BenchResult } from './lib/report.js';
import { median, round } from './lib/stats.js';

const ID = 'B8';
const WHAT =
  'cost model: Lambda cost (arm64) per million reads, money operations and webhooks, and per reconciliation of 100,000 entries; memory right-sized from peak RSS';
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
 * The settings before issue 15 right-sized them (infra/lib/access.ts `sizingFor` then), so B8 shows the cost
 * before and after; functions not listed kept their setting.
 */
const MEMORY_BEFORE_ISSUE_15: Readonly<Record<string, number>> = { operation: 512, 'job:webhook-queue': 512 };

/** Memory steps the right-sizing picks from (MB). */
const MEMORY_STEPS = [128, 192, 256, 384, 512, 768, 1024, 1536, 2048] as const;
/** API-facing functions never go below this: Lambda's CPU share is memory / 1,769 MB of a vCPU, and init is CPU-bound. */
const API_FLOOR_MB = 256;

/**
 * The right-sizing rule: the smallest step holding 1.5× the measured peak RSS (headroom for a busier heap
 * than a benchmark's), at least 128 MB, and at least 256 MB for a function that answers the API or P100's
 * webhooks (below that the CPU share stretches cold starts and the response parse). The reconciliation
 * jobs add the B4 heap budget (64 MB) to their RSS and never go below their current setting: their run is
 * CPU-bound, so GB-seconds stay about the same at any size while less memory (less CPU) only stretches the
 * run toward its timeout.
 */
export function rightSize(spec: Pick<FunctionSpec, 'kind'> & { job?: { trigger: string } }, peakRssMb: number, currentMb: number): number {
  const reconciliationJob = spec.kind === 'job' && spec.job?.trigger !== 'webhook-queue';
  const need = (peakRssMb + (reconciliationJob ? 64 : 0)) * 1.5;
  // The webhook processor is on the webhook path too (an SQS batch per invocation).
  const apiPath = spec.kind === 'operation' || spec.kind === 'webhook' || (spec.kind === 'job' && spec.job?.trigger === 'webhook-queue');
  const floor = apiPath ? API_FLOOR_MB : 128;
  const step = MEMORY_STEPS.find((m) => m >= need) ?? MEMORY_STEPS[MEMORY_STEPS.length - 1];
  const sized = Math.max(floor, step as number);
  return reconciliationJob ? Math.max(sized, currentMb) : sized;
}

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
 * B8. Durations from the benchmarks of the same run: a read is the getPartnerBalances handler in process
 * (B1), a money operation createTransfer through the gateway (B6, an upper bound: it includes the local
 * gateway hop), a webhook the receiver path per event (B3: CPU per event, the receiver is CPU-bound),
 * init per function kind (B2, median), a reconciliation of 100,000 entries (B4, its run time at
 * 100,000 entries or scaled linearly from a smaller run). Memory: today's infra setting
 * (infra/lib/access.ts `sizingFor`) and the right-sized one from B2's peak RSS. Durations are the bench
 * machine's, taken as they are at either memory size: true for the I/O-bound handlers, optimistic for CPU-bound
 * init at less memory (Lambda gives CPU in proportion to memory).
 */
export async function benchCost(): Promise<BenchResult> {
  const prices = JSON.parse(readFileSync(path.join(here, 'prices.json'), 'utf8')) as PriceTable;
  const { rows, from } = earlierResults();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const d = (id: string) => byId.get(id)?.data as Record<string, unknown> | undefined;
  const missing: string[] = [];

  const b1 = d('B1')?.['inProcess'] as { handlerP50?: number } | undefined;
  const readMs = b1?.handlerP50;
  const b6 = d('B6')?.['durationsMs'] as Record<string, number[]> | undefined;
  const moneyMs = b6?.['createTransfer'] ? median(b6['createTransfer']) : undefined;
  const b3 = d('B3');
  const perRun = b3?.['perRun'] as { ingestCpuMs: number }[] | undefined;
  const webhookMs = perRun?.length ? median(perRun.map((r) => r.ingestCpuMs)) : undefined;
  const b2 = d('B2')?.['functions'] as { name: string; kind?: string; initMs: number; rssMB?: number }[] | undefined;
  const b4 = d('B4');
  const reconcileMs = b4 ? ((b4['reconcileMs'] as number) * 100_000) / (b4['entries'] as number) : undefined;
  if (readMs === undefined) missing.push('B1 (read duration)');
  if (moneyMs === undefined) missing.push('B6 (money operation duration)');
  if (webhookMs === undefined) missing.push('B3 (webhook duration)');
  if (!b2?.length) missing.push('B2 (init, peak RSS)');
  if (reconcileMs === undefined) missing.push('B4 (reconciliation duration)');
  if (missing.length)
    return {
      id: ID,
      what: WHAT,
      target: TARGET,
      figure: '-',
      status: 'NOT MEASURED',
      reason: `needs ${missing.join(', ')} from ${from}: run them first (npm run bench)`,
    };

  const specs = new Map(functionSpecs().map((s) => [s.name, s]));
  const kindInit = (kind: string) => median((b2 ?? []).filter((f) => (f.kind ?? specs.get(f.name)?.kind) === kind).map((f) => f.initMs));
  const rssOf = (name: string, kind: string): number => {
    const own = (b2 ?? []).find((f) => f.name === name)?.rssMB;
    if (own !== undefined) return own;
    // Not measured itself (a reduced B2): the largest of its kind.
    return Math.max(0, ...(b2 ?? []).filter((f) => (f.kind ?? specs.get(f.name)?.kind) === kind).map((f) => f.rssMB ?? 0));
  };
  const sizing = (name: string) => {
    const spec = specs.get(name);
    if (!spec) throw new Error(`B8: no function ${name}`);
    const rss = rssOf(name, spec.kind);
    const now = sizingFor(spec).memoryMb;
    const before = MEMORY_BEFORE_ISSUE_15[spec.kind === 'job' ? `job:${spec.job.trigger}` : spec.kind] ?? now;
    // Not measured (a reduced B2 without this kind): no proposal.
    return { before, now, right: rss > 0 ? rightSize(spec, rss, now) : now, rssMB: rss };
  };
  const cases = [
    { what: 'a read (getPartnerBalances), per million', fn: 'getPartnerBalances', handlerMs: readMs as number, initMs: kindInit('operation'), count: 1e6 },
    { what: 'a money operation (createTransfer), per million', fn: 'createTransfer', handlerMs: moneyMs as number, initMs: kindInit('operation'), count: 1e6 },
    { what: 'a webhook (receiver), per million', fn: 'webhook-exchange', handlerMs: webhookMs as number, initMs: kindInit('webhook'), count: 1e6 },
    { what: 'one reconciliation of 100,000 entries', fn: 'reconcile', handlerMs: reconcileMs as number, initMs: 0, count: 1 },
  ];
  const regions = Object.keys(prices.regions);
  const lines = cases.map((c) => {
    const m = sizing(c.fn);
    const cost = (memoryMb: number) =>
      regions
        .map((r) => `${r} $${invocationCost(prices, r, { memoryMb, handlerMs: c.handlerMs, initMs: c.initMs, count: c.count }).toFixed(c.count === 1 ? 5 : 2)}`)
        .join(', ');
    return {
      ...c,
      ...m,
      text:
        `${c.what}: ${round(c.handlerMs, 2)} ms (+${round(c.initMs, 0)} ms init on ${prices.assumptions.coldStartShare * 100}% of them), peak RSS ${m.rssMB} MB; ` +
        `before (${m.before} MB) ${cost(m.before)}; configured now (${m.now} MB) ${cost(m.now)}${m.right !== m.now ? `; the rule says ${m.right} MB ${cost(m.right)}` : ''}`,
    };
  });
  const sizes = [...specs.values()].map((s) => {
    const m = sizing(s.name);
    return { name: s.name, kind: s.kind, beforeMb: m.before, nowMb: m.now, rightMb: m.right, rssMB: m.rssMB };
  });
  return {
    id: ID,
    what: WHAT,
    target: TARGET,
    figure:
      `${lines.map((l) => l.text).join('; ')}. Prices: ${prices.source}, as of ${prices.asOf}, ${prices.status}; durations from ${from}; ` +
      'rule: smallest step ≥ 1.5× peak RSS (+64 MB heap budget for the reconciliation jobs, never below their setting), ≥ 256 MB on the API and webhook path, ≥ 128 MB otherwise' +
      (sizes.some((z) => z.rightMb !== z.nowMb)
        ? `; differing from infra now: ${sizes
            .filter((z) => z.rightMb !== z.nowMb)
            .map((z) => `${z.name} ${z.nowMb}→${z.rightMb} MB`)
            .join(', ')}`
        : '; infra matches the rule'),
    status: 'MET',
    data: { prices, from, cases: lines, sizes },
  };
}
