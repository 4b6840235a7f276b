import { randomUUID } from 'node:crypto';
import type { ReconcileConfig } from './config.js';
import { acquireActive, getActive, getCheckpoint, getRun, putRun, releaseActive, updateRun, type RunItem, type RunTrigger } from '../store/reconciliation.js';
import { METRICS_NAMESPACE } from '../config/constants.js';
import { logger } from '../log/logger.js';

// Apart from run.ts, so that startReconciliation opens a run without loading the engine (bench B2).

export const plusSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A sortable, readable run id: `20260124T101500Z-1a2b3c4d`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomUUID().slice(0, 8)}`;
}

/**
 * Creates a run (or finds the one in progress) and takes the lease. Used by `startReconciliation` so the
 * caller gets a runId at once, and by the scheduled trigger.
 */
export async function openRun(trigger: RunTrigger, config: ReconcileConfig): Promise<{ runId: string; created: boolean }> {
  const now = new Date();
  const active = await getActive();
  if (active) {
    const run = await getRun(active.runId);
    if (run && run.status !== 'COMPLETED' && run.status !== 'FAILED' && !(await failIfStalled(run, config))) return { runId: active.runId, created: false };
  }
  const runId = newRunId(now);
  if (!(await acquireActive(runId, plusSeconds(config.leaseSeconds), now.toISOString()))) {
    const holder = await getActive();
    if (holder) return { runId: holder.runId, created: false };
  }
  const checkpoint = await getCheckpoint();
  const from = checkpoint ? new Date(Date.parse(checkpoint.windowTo) - config.overlapSeconds * 1000).toISOString() : undefined;
  await putRun({
    runId,
    status: 'RUNNING',
    phase: 'pending',
    trigger,
    requestedAt: now.toISOString(),
    progressAt: now.toISOString(),
    window: { ...(from ? { from } : {}), to: now.toISOString() },
    leaseUntil: plusSeconds(config.leaseSeconds),
    batchesSent: 0,
    batchesDone: 0,
  });
  return { runId, created: true };
}

/**
 * The liveness watch (issue 23): a RUNNING or FINALIZING run whose `progressAt` (moved by every heartbeat:
 * each page of open operations, history checkpoints, phase changes) stood still for `stallAfterSeconds` is
 * marked FAILED with the reason, its lease released, and `ReconciliationRunStalled` counted (alarm
 * `ReconciliationStalled`, docs/runbook.md). Returns true when it did so: the caller then opens a fresh run,
 * which skips what earlier runs quarantined. Called by every trigger (schedule, API) before it resumes a run.
 */
export async function failIfStalled(run: RunItem, config: ReconcileConfig, now = Date.now()): Promise<boolean> {
  const since = run.progressAt ?? run.requestedAt;
  if (now - Date.parse(since) < config.stallAfterSeconds * 1000) return false;
  const reason = `stalled: no progress since ${since} (phase ${run.phase}; limit ${config.stallAfterSeconds} s)`;
  const failed = await updateRun(run.runId, { status: 'FAILED', error: reason, finishedAt: new Date(now).toISOString() }, ['RUNNING', 'FINALIZING']);
  await releaseActive(run.runId);
  if (failed) {
    logger.error('reconciliation run stalled; marked FAILED, the next trigger starts a fresh run', { runId: run.runId, phase: run.phase, reason });
    await countStalled();
  }
  return true;
}

/** One `ReconciliationRunStalled` count as EMF; Powertools Metrics loaded here only (bench B2: open-run is on startReconciliation's cold path). */
async function countStalled(): Promise<void> {
  const { Metrics, MetricUnit } = await import('@aws-lambda-powertools/metrics');
  const m = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'reconciliation' });
  m.addMetric('ReconciliationRunStalled', MetricUnit.Count, 1);
  m.publishStoredMetrics();
}
