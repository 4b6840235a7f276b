import { DISCREPANCY_CLASSES, runItems, type DiscrepancyItem, type ProgressItem } from '../store/reconciliation.js';

// Apart from finalize.ts, so that reading a report (report.ts) does not load the engine (bench B2).

/** Counts from the run's own items, streamed: per-account progress and one item per discrepancy. */
export async function summarize(runId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = { matched: 0, entries: 0, unreadable: 0, pages: 0, accounts: 0, usersChecked: 0 };
  for (const c of DISCREPANCY_CLASSES) counts[c] = 0;
  for await (const page of runItems<ProgressItem & { stateChecked?: boolean }>(runId, 'ACC#')) {
    for (const p of page) {
      counts.accounts = (counts.accounts ?? 0) + 1;
      counts.matched = (counts.matched ?? 0) + (p.matched ?? 0);
      counts.entries = (counts.entries ?? 0) + (p.entries ?? 0);
      counts.unreadable = (counts.unreadable ?? 0) + (p.unreadable ?? 0);
      counts.pages = (counts.pages ?? 0) + (p.pages ?? 0);
      if (p.stateChecked) counts.usersChecked = (counts.usersChecked ?? 0) + 1;
    }
  }
  for await (const page of runItems<DiscrepancyItem>(runId, 'D#')) for (const d of page) counts[d.class] = (counts[d.class] ?? 0) + 1;
  return counts;
}
