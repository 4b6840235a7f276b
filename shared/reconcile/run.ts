import { messageQueue } from '../events/index.js';
import { logger } from '../log/logger.js';
import { listLedgerUsers } from '../store/ledger-users.js';
import { reconcileConfig, type ReconcileConfig } from './config.js';
import { failIfStalled, openRun, plusSeconds } from './open-run.js';
import { safeIdOrDigest } from '../safe-id.js';
import { DeadlineReachedError, forEachLimit, type RunContext, type RunHooks } from './context.js';
import { finalizeRun } from './finalize.js';
import { reconcileAccountHistory } from './history.js';
import { reconcileOpenOperations } from './pending.js';
import {
  acquireActive,
  addBatchDone,
  releaseActive,
  getActive,
  getBatch,
  getRun,
  isQuarantined,
  markBatchDone,
  putBatch,
  runItems,
  updateRun,
  type BatchItem,
  type RunItem,
  type RunTrigger,
} from '../store/reconciliation.js';
import { reconcileUser } from './user-states.js';

/**
 * One reconciliation run (ARCHITECTURE.md "Ledger and reconciliation"), in phases that each resume from
 * their checkpoint: `pending` (open and UNKNOWN operations) → `partner` (the partner's history) →
 * `fanout` (users, in batches, onto the reconcile queue) → `sweep` (reconcileUsers workers) → `finalize`.
 * One run at a time (a lease in `RECON#ACTIVE`, taken by open-run.ts); a run whose lease lapsed (crash, timeout) is resumed by
 * the next trigger, under the same runId, so nothing is counted twice.
 */

export interface RunOptions {
  trigger: RunTrigger;
  /** Resume or continue this run (startReconciliation creates it first). */
  runId?: string;
  config?: Partial<ReconcileConfig>;
  /** Epoch ms: stop at the next page boundary after it (the run resumes later). */
  deadline?: number;
  hooks?: RunHooks;
}

export interface RunOutcome {
  runId: string;
  status: RunItem['status'] | 'SKIPPED';
  phase?: RunItem['phase'];
  /** Why nothing was done (another run holds the lease). */
  reason?: string;
}

/**
 * Runs (or resumes) reconciliation as far as this invocation can take it. The user sweep continues in
 * the reconcileUsers workers; the last of them finalizes the run.
 *
 * @example
 * await runReconciliation({ trigger: 'schedule', deadline: Date.now() + context.getRemainingTimeInMillis() - 30_000 });
 */
export async function runReconciliation(opts: RunOptions): Promise<RunOutcome> {
  const config = reconcileConfig(opts.config);
  let runId = opts.runId;
  if (!runId) {
    const active = await getActive();
    if (active) {
      const r = await getRun(active.runId);
      if (!r || r.status === 'COMPLETED' || r.status === 'FAILED') await releaseActive(active.runId);
      else if (await failIfStalled(r, config)) {
        /* marked FAILED with its reason: a fresh run is opened below */
      } else if (active.leaseUntil > new Date().toISOString())
        return { runId: active.runId, status: 'SKIPPED', reason: 'another run holds the lease', phase: r.phase };
      else runId = active.runId;
    }
    runId ??= (await openRun(opts.trigger, config)).runId;
  }
  if (!(await acquireActive(runId, plusSeconds(config.leaseSeconds), new Date().toISOString()))) {
    return { runId, status: 'SKIPPED', reason: 'another run holds the lease' };
  }
  let run = await getRun(runId);
  if (!run) throw new Error(`Reconciliation run ${runId} does not exist`);
  if (run.status === 'COMPLETED' || run.status === 'FAILED') return { runId, status: run.status, phase: run.phase };
  const ctx: RunContext = {
    runId,
    window: run.window,
    config,
    ...(opts.deadline ? { deadline: opts.deadline } : {}),
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
  };
  try {
    if (run.phase === 'pending') {
      await reconcileOpenOperations(ctx);
      await updateRun(runId, { phase: 'partner', progressAt: new Date().toISOString() });
      run = { ...run, phase: 'partner' };
    }
    if (run.phase === 'partner') {
      await reconcileAccountHistory(ctx, { kind: 'partner' });
      await updateRun(runId, { phase: 'fanout', progressAt: new Date().toISOString() });
      run = { ...run, phase: 'fanout' };
    }
    if (run.phase === 'fanout') run = await fanOutUsers(ctx, run);
    if (run.phase === 'sweep') await resendUnfinishedBatches(ctx, run);
    if (run.phase === 'finalize' || (await sweepFinished(runId))) await finalizeOnce(ctx, run.status === 'FINALIZING');
  } catch (e) {
    if (e instanceof DeadlineReachedError) {
      logger.info('reconciliation paused at a page boundary', { runId });
      // Let the next trigger resume at once rather than after the lease.
      await acquireActive(runId, new Date().toISOString(), new Date().toISOString());
      const r = await getRun(runId);
      return { runId, status: 'RUNNING', ...(r ? { phase: r.phase } : {}) };
    }
    throw e;
  }
  const after = await getRun(runId);
  return { runId, status: after?.status ?? 'RUNNING', ...(after ? { phase: after.phase } : {}) };
}

/** Sends the users to the queue in batches; resumable through `fanoutCursor` / `batchesSent`. */
async function fanOutUsers(ctx: RunContext, run: RunItem): Promise<RunItem> {
  let cursor = run.fanoutCursor;
  let sent = run.batchesSent;
  do {
    const page = await listLedgerUsers({ limit: ctx.config.usersPerBatch, ...(cursor ? { cursor } : {}) });
    if (page.items.length) {
      const batch = sent + 1;
      await putBatch(
        ctx.runId,
        batch,
        page.items.map((u) => u.externalUserId),
      );
      await messageQueue().send('reconcile', [{ id: `${ctx.runId}-${batch}`, body: JSON.stringify({ runId: ctx.runId, batch }) }]);
      sent = batch;
    }
    cursor = page.cursor;
    await updateRun(ctx.runId, { batchesSent: sent, progressAt: new Date().toISOString(), ...(cursor ? { fanoutCursor: cursor } : {}) });
  } while (cursor);
  await updateRun(ctx.runId, { phase: 'sweep', batchesExpected: sent });
  return { ...run, phase: 'sweep', batchesSent: sent, batchesExpected: sent };
}

async function sweepFinished(runId: string): Promise<boolean> {
  const r = await getRun(runId);
  return !!r && r.phase === 'sweep' && r.batchesExpected !== undefined && r.batchesDone >= r.batchesExpected;
}

/** A resumed run in `sweep`: batches whose message was lost (or sent to the DLQ) are sent again. */
async function resendUnfinishedBatches(ctx: RunContext, run: RunItem): Promise<void> {
  if (run.batchesExpected === undefined || run.batchesDone >= run.batchesExpected) return;
  for await (const page of runItems<BatchItem>(ctx.runId, 'BATCH#')) {
    const todo = page.filter((b) => !b.done);
    if (todo.length)
      await messageQueue().send(
        'reconcile',
        todo.map((b) => ({ id: `${ctx.runId}-${b.batch}-r`, body: JSON.stringify({ runId: ctx.runId, batch: b.batch }) })),
      );
  }
}

/** Only one finalizer: RUNNING → FINALIZING is a conditional write (a resumed FINALIZING run goes on). */
async function finalizeOnce(ctx: RunContext, resuming: boolean): Promise<void> {
  const won = await updateRun(ctx.runId, { status: 'FINALIZING', phase: 'finalize' }, resuming ? ['RUNNING', 'FINALIZING'] : ['RUNNING']);
  if (won) await finalizeRun(ctx);
}

/** A message of the reconcile queue: one batch of users of one run. */
export interface UserBatchMessage {
  runId: string;
  batch: number;
}

/**
 * The reconcileUsers worker: one batch of users (history and state), `userConcurrency` at a time; the
 * worker that finishes the last batch finalizes the run. A redelivered message whose batch is done is a
 * no-op.
 */
export async function reconcileUserBatch(
  msg: UserBatchMessage,
  opts: { config?: Partial<ReconcileConfig>; hooks?: RunHooks; deadline?: number } = {},
): Promise<void> {
  const config = reconcileConfig(opts.config);
  const run = await getRun(msg.runId);
  if (!run || run.status === 'COMPLETED' || run.status === 'FAILED') return;
  const batch = await getBatch(msg.runId, msg.batch);
  if (!batch || batch.done) return;
  const ctx: RunContext = {
    runId: msg.runId,
    window: run.window,
    config,
    ...(opts.hooks ? { hooks: opts.hooks } : {}),
    ...(opts.deadline ? { deadline: opts.deadline } : {}),
  };
  // Users an earlier run quarantined are skipped (docs/runbook.md "Reconciliation quarantine").
  await forEachLimit(batch.users, config.userConcurrency, async (u) => {
    if (!(await isQuarantined('USER', safeIdOrDigest(u)))) await reconcileUser(ctx, u);
  });
  if (!(await markBatchDone(msg.runId, msg.batch))) return;
  const after = await addBatchDone(msg.runId);
  if (after.phase === 'sweep' && after.batchesExpected !== undefined && after.batchesDone >= after.batchesExpected) await finalizeOnce(ctx, false);
}
