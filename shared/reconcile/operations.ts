import { recordOperatorAction } from '../store/exceptions.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { HttpProblem } from '../http/problem.js';
import { logger } from '../log/logger.js';
import { getRun } from '../store/reconciliation.js';
import { reconcileConfig } from './config.js';
import { reconcileInvoker } from './invoker.js';
import { openRun } from './open-run.js';
import { readReport } from './report.js';

/*
 * The two reconciliation operations of the API. Apart from the job handlers (handlers.ts), and with the
 * engine (run.ts) and the report reader imported on first use: at cold start these functions load neither
 * the engine nor zod and the catalog that P100's answers are parsed with (bench B2).
 */

/** `GET /operations/reconciliation/reports/{runId}` (`latest` is a value of runId, not a second route). */
export const getReconciliationReportImpl: OperationImpl = async (input) => {
  const q = input.query as { limit?: number; cursor?: string };
  const limit = q.limit ?? reconcileConfig().reportDiscrepancyLimit;
  const report = await readReport((input.params as { runId: string }).runId, { limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
  return { status: 200, body: report };
};

/** `POST /operations/reconciliation/runs`: 202 with the runId; the run goes on in the background. */
export const startReconciliationImpl: OperationImpl = async (_input, ctx) => {
  const { runId, created } = await openRun('api', reconcileConfig());
  await recordOperatorAction([`RUN#${runId}`], {
    at: new Date().toISOString(),
    actor: ctx.operator,
    action: 'start-run',
    summary: created ? `started reconciliation run ${runId}` : `asked for a run while ${runId} was running`,
    ref: { runId },
  });
  try {
    await reconcileInvoker().invoke({ runId });
  } catch (e) {
    logger.error('could not start the reconcile function', { runId, error: e });
    throw new HttpProblem(
      503,
      'unavailable',
      'Reconciliation could not be started',
      `run ${runId} is recorded and will be picked up by the next scheduled trigger`,
      {},
      { 'retry-after': '60' },
    );
  }
  const run = await getRun(runId);
  return {
    status: 202,
    headers: { location: `/operations/reconciliation/reports/${runId}` },
    body: {
      runId,
      status: run?.status ?? 'RUNNING',
      phase: run?.phase ?? 'pending',
      alreadyRunning: !created,
      report: `/operations/reconciliation/reports/${runId}`,
    },
  };
};
