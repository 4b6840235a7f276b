import { logger } from '../log/logger.js';
import { getLedgerOperation, type OperationType } from '../store/ledger.js';
import { exceptionIdOf, exceptionPages, getException, putException, recordOperatorAction, updateException, type ExceptionItem } from '../store/exceptions.js';
import { runItems, type DiscrepancyItem, type RunWindow } from '../store/reconciliation.js';

/**
 * The exception queue's side of a finished run (issue 26): every discrepancy the run could not repair
 * becomes an exception, or counts once more on the one a previous run opened; an open or acknowledged
 * exception that this run re-examined and no longer found is "fixed at P100". Called once by finalizeRun
 * (idempotent: a second finalize of the same run counts nothing twice, the run id is on the exception).
 *
 * Which exceptions a run re-examined (ASSUMPTIONS.md V1): a run reads P100's history in a window, so an
 * operation found long ago is not looked at again by a later windowed run, and its absence from that run
 * proves nothing. Users (the sweep compares every user), and stale or UNKNOWN operations (read back one by
 * one every run), are re-examined by every run; any other operation only when the run read the whole history
 * or the operation's own time lies in the run's window.
 */

const EVERY_RUN_CLASSES = new Set(['user-missing-at-p100', 'user-state-mismatch', 'stale-pending', 'unknown-resolved', 'unknown-failed']);

function userOf(d: Pick<DiscrepancyItem, 'type' | 'id' | 'ours' | 'theirs'>): string | undefined {
  if (d.type === 'USER') return d.id;
  const u = d.ours?.externalUserId ?? d.theirs?.externalUserId;
  return typeof u === 'string' ? u : undefined;
}

function reexamined(e: ExceptionItem, window: RunWindow): boolean {
  if (e.type === 'USER' || EVERY_RUN_CLASSES.has(e.class) || !window.from) return true;
  const when = e.theirs?.createdAt ?? e.ours?.createdAt;
  return typeof when === 'string' && when >= window.from && when < window.to;
}

const RECONCILIATION = 'reconciliation';

async function seen(runId: string, d: DiscrepancyItem): Promise<void> {
  const exceptionId = exceptionIdOf(d.class, d.type, d.id);
  const existing = await getException(exceptionId);
  // A partner history entry names no user: the ledger's operation does (the console names the user).
  const user = userOf(d) ?? existing?.externalUserId ?? (d.ours ? (await getLedgerOperation(d.type as OperationType, d.id))?.externalUserId : undefined);
  if (!existing) {
    const created = await putException({
      exceptionId,
      class: d.class,
      type: d.type,
      id: d.id,
      ...(user ? { externalUserId: user } : {}),
      state: 'open',
      firstSeen: d.at,
      lastSeen: d.at,
      count: 1,
      firstRunId: runId,
      lastRunId: runId,
      ours: d.ours,
      theirs: d.theirs,
      ...(d.note ? { note: d.note } : {}),
      updatedAt: d.at,
      updatedBy: RECONCILIATION,
      version: 1,
    });
    if (created) return;
    return seen(runId, d);
  }
  if (existing.lastRunId === runId) return;
  // Seen again after P100 had fixed it: open again. Resolved by an operator stays resolved (they decided), counted.
  const reopen = existing.state === 'fixed-at-p100';
  const changed = await updateException(exceptionId, existing.version, {
    lastSeen: d.at,
    lastRunId: runId,
    count: existing.count + 1,
    ours: d.ours,
    theirs: d.theirs,
    ...(user && !existing.externalUserId ? { externalUserId: user } : {}),
    ...(reopen ? { state: 'open', updatedAt: d.at, updatedBy: RECONCILIATION } : {}),
  });
  if (!changed) return seen(runId, d);
  if (reopen)
    await recordOperatorAction([d.id, ...(user && user !== d.id ? [user] : [])], {
      at: d.at,
      actor: RECONCILIATION,
      action: 'seen-again',
      summary: `${d.class} ${d.type} ${d.id} found again by run ${runId}: open again`,
      ref: { exceptionId, runId, from: 'fixed-at-p100', to: 'open' },
    });
}

/**
 * The hook finalizeRun calls. A failure here is logged and the run still completes: the queue is the
 * operators' view of the report, which holds every discrepancy regardless; the next run counts again.
 */
export async function trackRunExceptions(runId: string, window: RunWindow): Promise<{ opened: number; fixed: number } | undefined> {
  try {
    return await track(runId, window);
  } catch (e) {
    logger.error('could not update the exception queue', { runId, error: e });
    return undefined;
  }
}

async function track(runId: string, window: RunWindow): Promise<{ opened: number; fixed: number }> {
  const found = new Set<string>();
  for await (const page of runItems<DiscrepancyItem>(runId, 'D#', { pageLimit: 500 })) {
    for (const d of page) {
      if (d.repaired) continue;
      found.add(exceptionIdOf(d.class, d.type, d.id));
      await seen(runId, d);
    }
  }
  let fixed = 0;
  const at = new Date().toISOString();
  for await (const page of exceptionPages()) {
    for (const e of page) {
      if ((e.state !== 'open' && e.state !== 'acknowledged') || found.has(e.exceptionId) || e.lastRunId === runId || !reexamined(e, window)) continue;
      const changed = await updateException(e.exceptionId, e.version, { state: 'fixed-at-p100', updatedAt: at, updatedBy: RECONCILIATION });
      if (!changed) continue;
      fixed++;
      await recordOperatorAction([e.id, ...(e.externalUserId && e.externalUserId !== e.id ? [e.externalUserId] : [])], {
        at,
        actor: RECONCILIATION,
        action: 'fixed-at-p100',
        summary: `${e.class} ${e.type} ${e.id} no longer found by run ${runId}: fixed at P100`,
        ref: { exceptionId: e.exceptionId, runId, from: e.state, to: 'fixed-at-p100' },
      });
    }
  }
  logger.info('exceptions tracked', { runId, found: found.size, fixed });
  return { opened: found.size, fixed };
}
