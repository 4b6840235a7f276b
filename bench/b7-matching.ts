import type { HistoryEntry } from '../shared/p100/reads.js';
import { reconcileConfig } from '../shared/reconcile/config.js';
import type { RunContext } from '../shared/reconcile/context.js';
import { classifyEntry } from '../shared/reconcile/history.js';
import { isUnknownCandidate } from '../shared/reconcile/pending.js';
import type { LedgerOperation, OperationType } from '../shared/store/ledger.js';
import type { BenchResult } from './lib/report.js';
import { median, round } from './lib/stats.js';

const ID = 'B7';
const WHAT = 'pure matching: classifying pre-fetched history pages against pre-fetched ledger items, no I/O, one core';
const TARGET = '≥ 100,000 entries/s (1:1 matches and UNKNOWN candidates)';
const RATE_TARGET = 100_000;

const TYPES = ['EXCHANGE', 'CRYPTO_WITHDRAWAL', 'TRANSFER', 'SEPA_TRANSFER'] as const satisfies readonly OperationType[];

/** A history of `n` entries (pages of 100) and the ledger operations that match each one 1:1. */
export function matchingFixture(n: number): { pages: HistoryEntry[][]; ledger: Map<string, LedgerOperation>[] } {
  const pages: HistoryEntry[][] = [];
  const ledger: Map<string, LedgerOperation>[] = [];
  for (let p = 0; p * 100 < n; p++) {
    const entries: HistoryEntry[] = [];
    const ops = new Map<string, LedgerOperation>();
    for (let i = p * 100; i < Math.min(n, (p + 1) * 100); i++) {
      const type = TYPES[i % TYPES.length] as OperationType;
      const createdAt = new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString();
      const amount = `${(i % 977) + 1}.${String(i % 100).padStart(2, '0')}`;
      const id = `p100-${i.toString(36)}`;
      entries.push({ id: `h-${i}`, type, status: 'COMPLETED', amount, currency: 'eur', referenceId: id, createdAt } as HistoryEntry);
      ops.set(`${type}#${id}`, {
        pk: `OP#${type}#${id}`,
        sk: 'OP',
        type,
        id,
        status: 'COMPLETED',
        statusRank: 3,
        amount: amount.replace(/0$/, ''),
        currency: 'EUR',
        createdAt,
        updatedAt: createdAt,
        history: [
          { status: 'PENDING', at: createdAt, source: 'api', applied: true },
          { status: 'COMPLETED', at: createdAt, source: 'webhook', applied: true },
        ],
        version: 2,
      });
    }
    pages.push(entries);
    ledger.push(ops);
  }
  return { pages, ledger };
}

/**
 * B7. The matching step alone, on one core: every entry of `entries` pre-fetched history entries
 * (pages of 100) classified by the engine's own `classifyEntry` against pre-fetched ledger operations that
 * match it 1:1 (amounts written differently, "10.50" vs "10.5", so the decimal comparison runs), with
 * no I/O (a matched entry writes nothing). Then UNKNOWN candidates: an UNKNOWN write checked against every
 * entry of its window by `isUnknownCandidate` (same type and currency; the amounts differ but for a few
 * entries). Each figure is the median of `rounds` passes after a warm-up pass.
 */
export async function benchMatching(o: { entries?: number; rounds?: number } = {}): Promise<BenchResult> {
  const n = o.entries ?? 100_000;
  const rounds = o.rounds ?? 5;
  const { pages, ledger } = matchingFixture(n);
  const ctx: RunContext = { runId: 'bench-b7', window: { to: new Date().toISOString() }, config: reconcileConfig({}, {}) };

  const oneToOne = async (): Promise<number> => {
    const t0 = performance.now();
    let matched = 0;
    for (let p = 0; p < pages.length; p++) {
      const map = ledger[p] as Map<string, LedgerOperation>;
      for (const e of pages[p] as HistoryEntry[]) if ((await classifyEntry(ctx, 'partner', e, map, [])) === 'matched') matched++;
    }
    const ms = performance.now() - t0;
    if (matched !== n) throw new Error(`B7 fixture: ${matched} of ${n} entries matched`);
    return (n / ms) * 1000;
  };
  const unknown = (): number => {
    let candidates = 0;
    const t0 = performance.now();
    for (const page of pages)
      for (const e of page) {
        // The UNKNOWN write of this window: same type and currency; its amount equals the entry's for a few entries (those of 1.xx).
        const op = { type: e.type as OperationType, amount: e.amount.startsWith('1.') ? e.amount : '999999.99', currency: 'EUR' };
        if (isUnknownCandidate(op, e)) candidates++;
      }
    const ms = performance.now() - t0;
    if (candidates === 0) throw new Error('B7 fixture: no UNKNOWN candidate');
    return (n / ms) * 1000;
  };

  await oneToOne();
  unknown();
  const matchRates: number[] = [];
  const unknownRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    matchRates.push(await oneToOne());
    unknownRates.push(unknown());
  }
  const match = median(matchRates);
  const unk = median(unknownRates);
  const met = match >= RATE_TARGET && unk >= RATE_TARGET;
  return {
    id: ID,
    what: WHAT,
    target: TARGET,
    figure: `${n} entries: 1:1 matches ${Math.round(match).toLocaleString('en')} entries/s; UNKNOWN candidates ${Math.round(unk).toLocaleString('en')} entries/s (median of ${rounds} passes)`,
    status: met ? 'MET' : 'MISSED',
    ...(met
      ? {}
      : {
          reason: `below ${RATE_TARGET} entries/s: ${match < RATE_TARGET ? `1:1 at ${round(match)} ` : ''}${unk < RATE_TARGET ? `UNKNOWN at ${round(unk)}` : ''}`,
        }),
    data: { entries: n, rounds, matchRates, unknownRates, matchPerSecond: match, unknownPerSecond: unk },
  };
}
