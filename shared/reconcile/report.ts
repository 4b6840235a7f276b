import { HttpProblem } from '../http/problem.js';
import { DISCREPANCY_CLASSES, getLatestRunId, getRun, runItems, type Discrepancy, type DiscrepancyItem, type RunItem } from '../store/reconciliation.js';
import { summarize } from './summary.js';

/** The report of one run as the company API returns it. */
export interface ReconciliationReport {
  runId: string;
  status: RunItem['status'];
  phase: RunItem['phase'];
  trigger: RunItem['trigger'];
  requestedAt: string;
  finishedAt?: string;
  /** Why the run FAILED. */
  error?: string;
  window: RunItem['window'];
  /** Per class, plus `matched`, `entries` (history entries read), `usersChecked`, ... Live while running. */
  counts: Record<string, number>;
  discrepancyCount: number;
  eventsUnpublished?: number;
  discrepancies: Discrepancy[];
  /** Pass as `?cursor=` for the next discrepancies. */
  nextCursor?: string;
}

const CURSOR = /^[A-Za-z0-9_-]{1,2000}$/;

function encodeCursor(sk: string): string {
  return Buffer.from(sk, 'utf8').toString('base64url');
}

function decodeCursor(c: string): string {
  const sk = CURSOR.test(c) ? Buffer.from(c, 'base64url').toString('utf8') : '';
  if (!sk.startsWith('D#'))
    throw new HttpProblem(400, 'validation', 'Invalid request', 'cursor is not one this API returned', {
      errors: [{ in: 'query', field: 'cursor', message: 'not a cursor of this report' }],
    });
  return sk;
}

/**
 * Reads a run's report: `runId` or `latest` (the last finished run). Discrepancies come a page at a
 * time (`limit`, `cursor`) so a run with thousands of them never builds one huge answer.
 */
export async function readReport(runIdOrLatest: string, opts: { limit: number; cursor?: string }): Promise<ReconciliationReport> {
  const runId = runIdOrLatest === 'latest' ? await getLatestRunId() : runIdOrLatest;
  if (!runId) throw new HttpProblem(404, 'not-found', 'No reconciliation run has finished yet');
  const run = await getRun(runId);
  if (!run) throw new HttpProblem(404, 'not-found', 'Unknown reconciliation run', `no run ${runId}`);
  const after = opts.cursor ? decodeCursor(opts.cursor) : undefined;
  const discrepancies: Discrepancy[] = [];
  let last: string | undefined;
  let more = false;
  for await (const page of runItems<DiscrepancyItem>(runId, 'D#', { ...(after ? { after } : {}), pageLimit: Math.min(opts.limit + 1, 1000) })) {
    for (const d of page) {
      if (discrepancies.length === opts.limit) {
        more = true;
        break;
      }
      const { pk: _pk, sk, ...rest } = d;
      discrepancies.push(rest);
      last = sk;
    }
    if (more) break;
  }
  const counts = run.counts ?? (await summarize(runId));
  return {
    runId,
    status: run.status,
    phase: run.phase,
    trigger: run.trigger,
    requestedAt: run.requestedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(run.error ? { error: run.error } : {}),
    window: run.window,
    counts,
    discrepancyCount: run.discrepancyCount ?? DISCREPANCY_CLASSES.reduce((n, c) => n + (counts[c] ?? 0), 0),
    ...(run.eventsUnpublished !== undefined ? { eventsUnpublished: run.eventsUnpublished } : {}),
    discrepancies,
    ...(more && last ? { nextCursor: encodeCursor(last) } : {}),
  };
}
