import v8 from 'node:v8';
import vm from 'node:vm';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../shared/config/env.js';
import { ledgerTypeOf } from '../shared/p100/reads.js';
import { historyPages, runReconciliation } from '../shared/reconcile/index.js';
import { documentClient } from '../shared/store/index.js';
import { tableName } from '../shared/store/client.js';
import { opKey } from '../shared/store/ledger.js';
import { startTestSuite } from '../test/support/suite.js';
import { captureOutput } from './lib/capture.js';
import type { BenchResult } from './lib/report.js';
import { round } from './lib/stats.js';

const ID = 'B4';
const WHAT = 'reconciliation of history entries against the ledger vs the reads any reconciliation must make (paging + BatchGetItem of the same ledger keys)';
const TARGET = '≤ 1.3× the floor (paging + raw BatchGetItem); peak heap growth ≤ 64 MB';
const RATIO_TARGET = 1.3;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/**
 * The reads of the floor: every page of the history, and for each page one raw BatchGetItem (the
 * DocumentClient's, as the engine uses) of the ledger keys its entries name, unprocessed keys retried.
 * Sequential, nothing else: what any reconciliation of this history against this ledger must read.
 */
async function floorReads(to: string, pageSize: number): Promise<{ ms: number; pages: number; entries: number; items: number }> {
  const table = tableName(ENV.ledgerTable);
  const client = await documentClient();
  const t0 = performance.now();
  let pages = 0;
  let entries = 0;
  let items = 0;
  for await (const page of historyPages({ kind: 'partner' }, { to }, { pageSize })) {
    pages++;
    entries += page.entries.length;
    const keys = new Map<string, Record<string, string>>();
    for (const e of page.entries) {
      const type = ledgerTypeOf(e.type);
      if (type) keys.set(`${type}#${e.referenceId ?? e.id}`, opKey(type, e.referenceId ?? e.id));
    }
    let pending = [...keys.values()];
    while (pending.length) {
      const res = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
      items += res.Responses?.[table]?.length ?? 0;
      pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, string>[];
    }
  }
  return { ms: performance.now() - t0, pages, entries, items };
}

/**
 * B4. The sandbox's partner history is seeded with `entries` entries. A first reconciliation run records
 * every one in the ledger (set-up, not measured: afterwards the ledger holds them all). Then, measured in
 * the same process against the same store, interleaved: (a) the floor, paging the same history with the
 * same page size through the same reader (`historyPages`) and reading the ledger operations of each page
 * with one raw BatchGetItem; (b) a second reconciliation run, matching every entry against the ledger;
 * (a) again. The floor is the median of its runs; paging alone is also measured and printed. Heap is
 * sampled (after a forced GC) every 10 pages of run (b).
 */
export async function benchReconcile(o: { entries?: number; pageSize?: number } = {}): Promise<BenchResult> {
  const entries = o.entries ?? 100_000;
  const pageSize = o.pageSize ?? 100;
  Object.assign(process.env, { RECONCILE_OVERLAP_SECONDS: '86400', RECONCILE_PENDING_AFTER_SECONDS: '0', RECONCILE_UNKNOWN_GRACE_SECONDS: '0' });
  const s = await startTestSuite({ seed: 4 });
  const cap = captureOutput({ keep: false });
  try {
    await s.control('POST', '/_sandbox/seed/history', { count: entries, spacingMs: 1 });
    const setupT0 = performance.now();
    await runReconciliation({ trigger: 'local', config: { pageSize } });
    await s.local.reconciliation.idle();
    const setupMs = performance.now() - setupT0;

    const to = new Date(Date.now() + 60_000).toISOString();
    const pageT0 = performance.now();
    let paged = 0;
    for await (const page of historyPages({ kind: 'partner' }, { to }, { pageSize })) paged += page.entries.length;
    const pagingMs = performance.now() - pageT0;
    // A first pass warms the reader and the store (JIT, dynalite's caches), excluded.
    await floorReads(to, pageSize);
    const floorBefore = await floorReads(to, pageSize);

    const before = heapMb();
    const samples: number[] = [];
    let lastPageAt = 0;
    let sampleMs = 0;
    const t0 = performance.now();
    const out = await runReconciliation({
      trigger: 'local',
      config: { pageSize },
      hooks: {
        afterPage: (_a, pages) => {
          // The forced GC of a heap sample is the bench's own work: its time is taken out of the run's.
          if (pages % 10 === 0) {
            const g0 = performance.now();
            samples.push(heapMb());
            sampleMs += performance.now() - g0;
          }
          lastPageAt = performance.now();
        },
      },
    });
    await s.local.reconciliation.idle();
    const reconcileMs = performance.now() - t0 - sampleMs;
    const floorAfter = await floorReads(to, pageSize);
    const floorMs = (floorBefore.ms + floorAfter.ms) / 2;
    const peak = Math.max(before, ...samples);
    const growth = peak - before;
    const ratio = reconcileMs / floorMs;
    const tailMs = lastPageAt ? performance.now() - lastPageAt : 0;
    // The run up to its last history page: what the engine costs over the same reads as the floor.
    const historyMs = reconcileMs - tailMs;
    const met = ratio <= RATIO_TARGET && growth <= 64;
    const problems: string[] = [];
    if (ratio > RATIO_TARGET)
      problems.push(
        `reconciling takes ${round(ratio)}× the floor. Per page the engine reads what the floor reads and matches in memory; its own writes come once per ${10} pages ` +
          `(seen item, discrepancies, checkpoint) and the heartbeat once per third of the lease. After the last page, finalize (a Scan of the ledger for operations no history showed, the report) took ${round(tailMs / 1000)} s: ` +
          "a Scan reads every item of the ledger table (operations, users and the runs' own items: here the set-up run's discrepancy per entry too) to find operations of the window no history showed. " +
          "Reaching the target would take a time-ordered index of ledger operations (a GSI keyed by creation day) so finalize queries only the window's operations, and parallel scan segments on DynamoDB; " +
          `the run up to its last history page is ${round(historyMs / floorMs)}× the floor${historyMs / floorMs <= RATIO_TARGET ? ', within the target' : ''}.`,
      );
    if (growth > 64) problems.push(`heap grew ${round(growth)} MB`);
    return {
      id: ID,
      what: WHAT,
      target: TARGET,
      figure:
        `${entries} entries: reconcile ${round(reconcileMs / 1000)} s vs floor ${round(floorMs / 1000)} s (paging ${round(pagingMs / 1000)} s + BatchGetItem of ${floorBefore.items} ledger items; ` +
        `${round(floorBefore.ms / 1000)} s before, ${round(floorAfter.ms / 1000)} s after the run) = ${round(ratio)}×; of the run: up to the last history page ${round(historyMs / 1000)} s = ${round(historyMs / floorMs)}× the floor, ` +
        `then finalize ${round(tailMs / 1000)} s; ` +
        `peak heap growth ${round(growth, 1)} MB (set-up run ${round(setupMs / 1000)} s excluded)`,
      status: met ? 'MET' : 'MISSED',
      ...(problems.length ? { reason: problems.join('; ') } : {}),
      data: {
        entries,
        pageSize,
        paged,
        pagingMs,
        floorMs,
        floorBefore,
        floorAfter,
        finalizeMs: tailMs,
        reconcileMs,
        ratio,
        heapBeforeMb: before,
        heapPeakMb: peak,
        heapGrowthMb: growth,
        setupMs,
        runId: out.runId,
      },
    };
  } finally {
    cap.stop();
    await s.close();
  }
}
