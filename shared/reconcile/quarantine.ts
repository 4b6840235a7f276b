import { BudgetExceededError, reasonOf, withinBudget } from '../budget.js';
import { logger } from '../log/logger.js';
import { ProgressConflictError, putDiscrepancy, putQuarantine } from '../store/reconciliation.js';
import { DeadlineReachedError, type RunContext } from './context.js';

/**
 * Quarantine (issue 23): an item a run gives up on is reported as a `quarantined` discrepancy of the run and
 * recorded in `RECON#QUARANTINE`, so the run goes on without it and later runs skip it. An item is one
 * operation (pending phase), one history entry, or one user (sweep).
 */

/** What the quarantined item is; `id` is already safe (the id itself, or its `unsafe:<digest>` stand-in). */
export interface QuarantineRef {
  type: string;
  id: string;
  account?: string;
}

export async function quarantine(ctx: RunContext, ref: QuarantineRef, reason: string, theirs: Record<string, unknown> | null = null): Promise<void> {
  const at = new Date().toISOString();
  await putQuarantine({ type: ref.type, id: ref.id, reason, runId: ctx.runId, at });
  await putDiscrepancy(ctx.runId, `Q#${ref.type}#${ref.id}`, {
    class: 'quarantined',
    type: ref.type,
    id: ref.id,
    ours: null,
    theirs,
    repaired: false,
    ...(ref.account ? { account: ref.account } : {}),
    note: reason,
    at,
  });
  logger.warn('reconciliation item quarantined', { runId: ctx.runId, type: ref.type, id: ref.id, reason });
}

/** Errors that steer the run (stop at a page boundary, another worker won): never an item's fault. */
const isControlFlow = (e: unknown) => e instanceof DeadlineReachedError || e instanceof ProgressConflictError;

/**
 * Runs one item's work within `ctx.config.itemBudgetSeconds`. It resolves whatever the work does: a throw or
 * an overrun quarantines the item (reason in the report) and resolves `'quarantined'`. So a phase's loop
 * (`forEachLimit`) never sees an item's failure, and one bad item can neither stop nor hold up the run.
 */
export async function guardItem(ctx: RunContext, ref: QuarantineRef, work: (signal: AbortSignal) => Promise<void>): Promise<'done' | 'quarantined'> {
  const budgetMs = ctx.config.itemBudgetSeconds * 1000;
  try {
    await withinBudget(budgetMs, `${ref.type} ${ref.id}`, work);
    return 'done';
  } catch (e) {
    if (isControlFlow(e)) throw e;
    const reason = e instanceof BudgetExceededError ? `over budget: no answer within ${budgetMs} ms` : `threw: ${reasonOf(e)}`;
    await quarantine(ctx, ref, reason);
    return 'quarantined';
  }
}
