import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { messageQueue } from '../events/index.js';
import { logger } from '../log/logger.js';
import { prepareP100Transport } from '../p100/client.js';
import { prefetchApiKey } from '../p100/container-client.js';
import { documentClient } from '../store/client.js';
import { reconcileInvoker } from './invoker.js';
import { reconcileUserBatch, runReconciliation, type RunOutcome, type UserBatchMessage } from './run.js';

/**
 * What every invocation of the reconciliation jobs needs, loaded at init (issue 28; their entry files await it
 * at the top level): the API key and ky/fetch (P100's history and reads), the DynamoDB client (the ledger and
 * the run's items) and, for the run job, the SQS client (the user sweep's fan-out).
 */
export async function prepareReconcileJob(o: { fansOut: boolean }): Promise<void> {
  await Promise.all([prefetchApiKey(), prepareP100Transport(), documentClient(), o.fansOut ? messageQueue().prepare?.() : undefined]);
}

/** Time kept back from the Lambda's limit: the current page finishes and is checkpointed. */
const MARGIN_MS = 30_000;

function deadlineOf(context: Context | undefined): number | undefined {
  if (!context || typeof context.getRemainingTimeInMillis !== 'function') return undefined;
  return Date.now() + Math.max(5_000, context.getRemainingTimeInMillis() - MARGIN_MS);
}

/**
 * functions/jobs/reconcile.ts: EventBridge Scheduler (any event without a runId) or startReconciliation's
 * async invoke (`{ runId }`). When the time runs out mid-run, it invokes itself again to go on.
 */
export async function reconcileHandler(event: unknown, context?: Context): Promise<RunOutcome> {
  const runId =
    typeof event === 'object' && event !== null && typeof (event as { runId?: unknown }).runId === 'string' ? (event as { runId: string }).runId : undefined;
  const deadline = deadlineOf(context);
  let out: RunOutcome;
  try {
    out = await runReconciliation({ trigger: runId ? 'api' : 'schedule', ...(runId ? { runId } : {}), ...(deadline ? { deadline } : {}) });
  } catch (e) {
    // Never silent (issue 23): the run stays RUNNING and resumes from its checkpoint on the next trigger, and
    // the liveness watch marks it FAILED if it never moves again.
    logger.error('reconciliation invocation failed; the run resumes from its checkpoint on the next trigger', { runId, error: e });
    throw e;
  }
  if (out.status === 'RUNNING' && (out.phase === 'pending' || out.phase === 'partner' || out.phase === 'fanout')) {
    await reconcileInvoker().invoke({ runId: out.runId });
  }
  logger.info('reconcile invocation done', { ...out });
  return out;
}

function parseBatchMessage(body: string): UserBatchMessage {
  const m = JSON.parse(body) as Partial<UserBatchMessage>;
  if (typeof m.runId !== 'string' || typeof m.batch !== 'number') throw new Error('reconcile message must be { runId, batch }');
  return { runId: m.runId, batch: m.batch };
}

/** functions/jobs/reconcileUsers.ts: SQS batch with partial failures (a failed message is retried, then DLQ). */
export async function reconcileUsersHandler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const deadline = deadlineOf(context);
  for (const record of event.Records) {
    try {
      await reconcileUserBatch(parseBatchMessage(record.body), { ...(deadline ? { deadline } : {}) });
    } catch (e) {
      logger.error('reconcile user batch failed', { messageId: record.messageId, error: e });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
