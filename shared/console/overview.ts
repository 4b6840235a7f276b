import { restView } from '../classification/rules.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { getLatestContractReport } from '../store/contract-reports.js';
import { countInboxSince } from '../store/inbox.js';
import { DISCREPANCY_CLASSES, getLatestRunId, getRun, listRunIds, runItems, type DiscrepancyItem, type RunItem } from '../store/reconciliation.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The newest run when it FAILED (the liveness watch's verdict must be seen, issue 23), else the last finished one. */
async function runToShow(): Promise<RunItem | undefined> {
  const newest = (await listRunIds(1)).runIds[0];
  const failed = newest ? await getRun(newest) : undefined;
  if (failed?.status === 'FAILED') return failed;
  const runId = await getLatestRunId();
  return runId ? await getRun(runId) : undefined;
}

/** The run in figures: repaired is counted from its discrepancies (a run stores no such total). */
async function lastRun(): Promise<Record<string, unknown> | null> {
  const run = await runToShow();
  if (!run) return null;
  let repaired = 0;
  for await (const page of runItems<DiscrepancyItem>(run.runId, 'D#', { pageLimit: 500 })) repaired += page.filter((d) => d.repaired).length;
  const counts = run.counts ?? {};
  const byClass = Object.fromEntries(DISCREPANCY_CLASSES.map((c) => [c, counts[c] ?? 0]));
  return {
    runId: run.runId,
    status: run.status,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(run.error ? { error: run.error } : {}),
    matched: counts.matched ?? 0,
    repaired,
    discrepancyCount: run.discrepancyCount ?? Object.values(byClass).reduce((a, b) => a + b, 0),
    byClass,
  };
}

/** What the overview reads of the canary's report (shared/contract/types.ts `ContractReport` is assignable to it). */
export interface ContractReportFigures {
  startedAt?: string;
  finishedAt?: string;
  summary?: { operations?: { drift?: number }; drifts?: Record<string, number> };
}

/** Operations that drifted, and every drift finding (operations and webhook payloads: `drifts` counts both). */
export function contractFigures(r: ContractReportFigures): { checkedAt: string; driftedOperations: number; findings: number } {
  const findings = Object.values(r.summary?.drifts ?? {}).reduce((a, b) => a + b, 0);
  return { checkedAt: r.finishedAt ?? r.startedAt ?? '', driftedOperations: r.summary?.operations?.drift ?? 0, findings };
}

/**
 * The contract canary's last report in figures, or `{ available: false }` on a stage where it never ran
 * (issue 26: absence is a state, so a fresh stage's console makes no request that answers 404).
 */
async function contract(): Promise<Record<string, unknown>> {
  const json = await getLatestContractReport();
  if (json === undefined) return { available: false };
  try {
    return { available: true, ...contractFigures(JSON.parse(json) as ContractReportFigures) };
  } catch {
    return { available: false };
  }
}

/** `GET /operations/overview`: the last run, the webhook intake of the last 24 hours, the contract canary's last word. */
export const getOperationsOverviewImpl: OperationImpl = async () => {
  const now = Date.now();
  const since = new Date(now - DAY_MS).toISOString();
  const [run, states, contractNow] = await Promise.all([lastRun(), countInboxSince(since), contract()]);
  const intake = {
    since,
    received: states.RECEIVED + states.ENQUEUED + states.PROCESSED + states.DEAD,
    processed: states.PROCESSED,
    dead: states.DEAD,
    pending: states.RECEIVED + states.ENQUEUED,
  };
  return { body: restView({ generatedAt: new Date(now).toISOString(), lastRun: run, intake, contract: contractNow }) };
};
