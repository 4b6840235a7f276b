import { restView } from '../classification/rules.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { HttpProblem } from '../http/problem.js';
import { getRun, listRunIds, type RunItem } from '../store/reconciliation.js';

/** A run as a list row: no discrepancies, no lease or fan-out bookkeeping. */
export function runSummary(run: RunItem): Record<string, unknown> {
  return {
    runId: run.runId,
    status: run.status,
    phase: run.phase,
    trigger: run.trigger,
    requestedAt: run.requestedAt,
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(run.counts ? { counts: run.counts } : {}),
    ...(run.discrepancyCount !== undefined ? { discrepancyCount: run.discrepancyCount } : {}),
  };
}

/** `GET /operations/reconciliation/runs`: the run list, newest first (one query, then one read per run). */
export const listReconciliationRunsImpl: OperationImpl = async (input) => {
  const q = input.query as { limit?: number; before?: string };
  const before = q.before ? await getRun(q.before) : undefined;
  if (q.before && !before)
    throw new HttpProblem(400, 'validation', 'Request validation failed', `no run ${q.before}`, {
      errors: [{ in: 'query', field: 'before', message: 'not a run id this API listed' }],
    });
  const { runIds, more } = await listRunIds(q.limit ?? 20, before);
  const runs = await Promise.all(runIds.map((id) => getRun(id)));
  const items = runs.filter((r): r is RunItem => r !== undefined).map(runSummary);
  return { body: restView({ items, more }) };
};
