import { randomUUID } from 'node:crypto';
import type { ReconcileConfig } from './config.js';
import { acquireActive, getActive, getCheckpoint, getRun, putRun, type RunTrigger } from '../store/reconciliation.js';

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
    if (run && run.status !== 'COMPLETED' && run.status !== 'FAILED') return { runId: active.runId, created: false };
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
    window: { ...(from ? { from } : {}), to: now.toISOString() },
    leaseUntil: plusSeconds(config.leaseSeconds),
    batchesSent: 0,
    batchesDone: 0,
  });
  return { runId, created: true };
}
