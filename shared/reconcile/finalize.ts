import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../config/constants.js';
import { eventPublisher, type DomainEvent } from '../events/index.js';
import { publishedEvent } from '../events/published.js';
import { logger } from '../log/logger.js';
import { opDiscrepancyKey, report, type RunContext } from './context.js';
import { summarize } from './summary.js';
import { isSafeId } from '../safe-id.js';
import { trackRunExceptions } from './exceptions.js';
import { HISTORY_LEDGER_TYPES } from '../p100/reads.js';
import { operationsNotSeen } from '../store/reconciliation-ledger.js';
import { DISCREPANCY_CLASSES, getRun, releaseActive, runItems, setCheckpoint, setLatest, updateRun, type DiscrepancyItem } from '../store/reconciliation.js';

export const DISCREPANCY_DETAIL_TYPE = 'p100.reconciliation.discrepancy';

/**
 * The end of a run, once every history of it was read: "missing at P100", then counts, one EventBridge
 * event per discrepancy, metrics, the report, the `latest` pointer and the checkpoint.
 * Idempotent: a crash here and a second finalize give the same report (events are at least once).
 */
export async function finalizeRun(ctx: RunContext): Promise<Record<string, number>> {
  await findMissingAtP100(ctx);
  const counts = await summarize(ctx.runId);
  await trackRunExceptions(ctx.runId, ctx.window);
  const unpublished = await publishDiscrepancies(ctx.runId);
  publishMetrics(counts);
  const finishedAt = new Date().toISOString();
  const discrepancyCount = DISCREPANCY_CLASSES.reduce((n, c) => n + (counts[c] ?? 0), 0);
  // Only from FINALIZING: a run the liveness watch marked FAILED meanwhile stays FAILED (its report is kept).
  if (
    !(await updateRun(ctx.runId, { status: 'COMPLETED', phase: 'done', counts, discrepancyCount, eventsUnpublished: unpublished, finishedAt }, ['FINALIZING']))
  ) {
    logger.warn('reconciliation run finished after it was marked FAILED; it stays FAILED', { runId: ctx.runId });
    return counts;
  }
  await setLatest(ctx.runId, finishedAt);
  await setCheckpoint(ctx.window.to, ctx.runId);
  await releaseActive(ctx.runId);
  logger.info('reconciliation run completed', { runId: ctx.runId, counts });
  return counts;
}

/**
 * Ledger operations created in the window (less the overlap: an operation written just before the
 * window's end may be stamped by P100 just after it, and is judged by the next run) that no history of
 * this run showed.
 */
async function findMissingAtP100(ctx: RunContext): Promise<void> {
  const to = new Date(Date.parse(ctx.window.to) - ctx.config.overlapSeconds * 1000).toISOString();
  if (ctx.window.from && to <= ctx.window.from) return;
  for await (const page of operationsNotSeen(ctx.runId, { ...(ctx.window.from ? { from: ctx.window.from } : {}), to }, HISTORY_LEDGER_TYPES)) {
    for (const op of page) {
      // A P100 id failing the safe-id rule is the quarantine's (pending.ts): it never reaches a report key.
      // (`unknown:<operationId>:<key>` ids are ours, and may be longer than a P100 id.)
      if (!op.id.startsWith('unknown:') && !isSafeId(op.id)) continue;
      await report(ctx, opDiscrepancyKey(op.type, op.id, 'missing-at-p100'), {
        class: 'missing-at-p100',
        type: op.type,
        id: op.id,
        ours: {
          status: op.status,
          amount: op.amount ?? null,
          currency: op.currency ?? null,
          createdAt: op.createdAt,
          externalUserId: op.externalUserId ?? null,
        },
        theirs: null,
        note: 'not in P100 history for the window',
      });
    }
  }
}

/**
 * Publishes the run's discrepancies in sk order, ten per PutEvents, moving `publishedThrough` on the run
 * after each call (one write per ten events; a crash re-publishes at most ten: events are at least once).
 * On a failure it stops and returns how many stay unpublished; the report holds them all regardless.
 */
async function publishDiscrepancies(runId: string): Promise<number> {
  const run = await getRun(runId);
  let failedAt: string | undefined;
  let unpublished = 0;
  for await (const page of runItems<DiscrepancyItem>(runId, 'D#', run?.publishedThrough ? { after: run.publishedThrough } : {})) {
    for (let i = 0; i < page.length; i += 10) {
      const chunk = page.slice(i, i + 10);
      if (failedAt) {
        unpublished += chunk.length;
        continue;
      }
      try {
        // Built inside the try: a discrepancy the event table refuses stays in the report, unpublished, like a failed PutEvents.
        const events: DomainEvent[] = chunk.map((d) =>
          publishedEvent(DISCREPANCY_DETAIL_TYPE, {
            runId,
            class: d.class,
            type: d.type,
            id: d.id,
            ours: d.ours,
            theirs: d.theirs,
            repaired: d.repaired,
            ...(d.account ? { account: d.account } : {}),
            ...(d.note ? { note: d.note } : {}),
          }),
        );
        await eventPublisher().publish(events);
      } catch (e) {
        // The report is the record; events are notifications. The next finalize of this run retries.
        failedAt = chunk[0]?.sk;
        unpublished += chunk.length;
        logger.warn('could not publish discrepancy events', { runId, error: e instanceof Error ? e.message : String(e) });
        continue;
      }
      await updateRun(runId, { publishedThrough: (chunk[chunk.length - 1] as DiscrepancyItem).sk });
    }
  }
  return unpublished;
}

let metrics: Metrics | undefined;

/** `ReconciliationDiscrepancies` (namespace METRICS_NAMESPACE): the total, and one per class (dimension `Class`), as EMF. */
function publishMetrics(counts: Record<string, number>): void {
  metrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'reconciliation' });
  const total = DISCREPANCY_CLASSES.reduce((n, c) => n + (counts[c] ?? 0), 0);
  metrics.addMetric('ReconciliationDiscrepancies', MetricUnit.Count, total);
  metrics.addMetric('ReconciliationEntries', MetricUnit.Count, counts.entries ?? 0);
  metrics.publishStoredMetrics();
  for (const c of DISCREPANCY_CLASSES) {
    if (!counts[c]) continue;
    const single = metrics.singleMetric();
    single.addDimension('Class', c);
    single.addMetric('ReconciliationDiscrepancies', MetricUnit.Count, counts[c] ?? 0);
  }
}
