/**
 * `npm run bench`: B1–B8, each against a floor measured in the same run, each in its own Node process
 * (a Lambda container holds one P100 client and one DynamoDB client for its life; so does a bench process,
 * and a fresh process per benchmark also keeps one benchmark's heap out of another's figures).
 *
 * Prints a table and writes bench/results.json. Exits non-zero only when a benchmark cannot run at all;
 * a missed target is printed as MISSED with its reason.
 *
 * Usage: npm run bench                  all benchmarks
 *        npm run bench -- B1 B5         some of them (B8 prices the figures of the others in the same run,
 *                                       else those of the last bench/results.json)
 *        BENCH_QUICK=1 npm run bench    smaller sizes (a smoke run; figures are then not the stated ones)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, notMeasured, writeResults, type BenchResult } from './lib/report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';

const BENCHES: Record<string, { what: string; target: string; run: () => Promise<BenchResult> }> = {
  B1: {
    what: 'read latency added by gateway → handler',
    target: 'added p50 ≤ 1 ms, p99 ≤ 3 ms',
    run: async () => (await import('./b1-read-latency.js')).benchReadLatency(quick ? { requests: 300, warmup: 50 } : {}),
  },
  B2: {
    what: 'cold start vs Secrets Manager floor; sizes',
    target: '≤ 1.15× floor; handler ≤ 10 KB; layer ≤ 1 MB',
    run: async () =>
      (await import('./b2-cold-start.js')).benchColdStart(
        quick ? { reps: 3, only: ['getPartnerBalances', 'createTransfer', 'webhook-exchange', 'reconcile'] } : {},
      ),
  },
  B3: {
    what: 'webhook ingest vs raw conditional puts',
    target: '≥ 70% of the raw rate',
    run: async () => (await import('./b3-webhook-ingest.js')).benchWebhookIngest(quick ? { events: 300 } : {}),
  },
  B4: {
    what: 'reconciliation of history vs paging it + BatchGetItem of its ledger keys',
    target: '≤ 1.3× floor; peak heap growth ≤ 64 MB',
    run: async () => (await import('./b4-reconcile.js')).benchReconcile(quick ? { entries: 5000 } : {}),
  },
  B5: {
    what: 'Secrets Manager calls per 1,000 invocations',
    target: '1 per cache TTL',
    run: async () => (await import('./b5-secrets.js')).benchSecrets(),
  },
  B6: {
    what: 'DynamoDB round trips per money operation',
    target: '≤ 3',
    run: async () => (await import('./b6-round-trips.js')).benchRoundTrips(quick ? { perOperation: 5 } : {}),
  },
  B7: {
    what: 'pure matching throughput (1:1 and UNKNOWN candidates)',
    target: '≥ 100,000 entries/s',
    run: async () => (await import('./b7-matching.js')).benchMatching(quick ? { entries: 20_000, rounds: 3 } : {}),
  },
  B10: {
    what: 'memory by measurement under the Lambda CPU model (per kind, 128–1,769 MB)',
    target: 'cheapest size within the warm p99 and cold path budgets (ASSUMPTIONS W1, W2)',
    run: async () => (await import('./b10-memory.js')).benchMemory(quick ? { warm: 5 } : {}),
  },
  B8: {
    what: 'cost model (arm64) and memory right-sizing',
    target: 'printed from measured durations and bench/prices.json',
    run: async () => (await import('./b8-cost.js')).benchCost(),
  },
};

const MARK = '@@bench-result ';

/** Child mode: run one benchmark and hand its result to the parent on one marked line. */
async function runOne(id: string): Promise<void> {
  const b = BENCHES[id];
  if (!b) throw new Error(`unknown benchmark ${id}`);
  let r: BenchResult;
  try {
    r = await b.run();
  } catch (e) {
    r = notMeasured(id, b.what, b.target, `could not run: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  process.stdout.write(`\n${MARK}${JSON.stringify(r)}\n`);
  // Handlers keep keep-alive sockets and timers (as in Lambda); the child's work is done.
  process.exit(0);
}

function child(id: string): Promise<BenchResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'run.ts'), '--one', id], {
      cwd: path.resolve(here, '..'),
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    p.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      const b = BENCHES[id];
      if (line) return resolve(JSON.parse(line.slice(MARK.length)) as BenchResult);
      resolve(
        notMeasured(id, b?.what ?? '', b?.target ?? '', `benchmark process exited ${code} without a result: ${err.trim().split('\n').slice(-3).join(' | ')}`),
      );
    });
  });
}

async function main(): Promise<void> {
  const oneAt = process.argv.indexOf('--one');
  if (oneAt !== -1) return runOne(process.argv[oneAt + 1] ?? '');
  const asked = process.argv.slice(2).filter((a) => /^B\d+$/.test(a));
  const ids = asked.length ? asked : Object.keys(BENCHES);
  const started = Date.now();
  const rows: BenchResult[] = [];
  const soFar = path.join(here, '.tmp', 'run-so-far.json');
  mkdirSync(path.dirname(soFar), { recursive: true });
  rmSync(soFar, { force: true });
  for (const id of ids) {
    process.stdout.write(`${id} ... `);
    // B8 prices what the others measured in this run.
    writeResults(soFar, { generatedAt: new Date().toISOString() }, rows);
    const r = await child(id);
    // The machine is shared: each result carries the 1-minute load average at its end.
    const load = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
    r.data = { ...r.data, loadAverage1m: load };
    process.stdout.write(`${r.status} (load ${load})\n`);
    rows.push(r);
  }
  console.log(`\n${formatTable(rows)}\n`);
  const meta = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    quick,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  // A run of some benchmarks keeps the others' last results (each row says when it was measured).
  const resultsFile = path.join(here, 'results.json');
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { generatedAt?: string; results?: BenchResult[] }) : {};
  const measuredAt = (r: BenchResult, at: string | undefined): BenchResult => ({ ...r, data: { measuredAt: at, ...r.data } });
  const kept = (previous.results ?? []).filter((r) => !rows.some((x) => x.id === r.id)).map((r) => measuredAt(r, previous.generatedAt));
  const all = [...kept, ...rows.map((r) => measuredAt(r, meta.generatedAt))].sort((a, b) => a.id.localeCompare(b.id));
  writeResults(resultsFile, meta, all);
  console.log(`load average ${meta.loadAverage.join(' ')} on ${meta.cpus} cores; wrote bench/results.json (${meta.seconds} s)`);
  const broken = rows.filter((r) => r.status === 'NOT MEASURED' && r.reason?.startsWith('benchmark process exited'));
  if (broken.length === rows.length) process.exitCode = 1;
}

await main();
