import type { ReconcileConfig } from './config.js';
import { markDiscrepancy, putDiscrepancy, type Discrepancy, type RunWindow } from '../store/reconciliation.js';

/** A discrepancy waiting to be written with its page. */
export interface PendingDiscrepancy {
  key: string;
  d: Discrepancy;
}

/** What every step of one run shares. */
export interface RunContext {
  runId: string;
  window: RunWindow;
  config: ReconcileConfig;
  /** Epoch ms after which the step stops at the next page boundary (the Lambda's remaining time). */
  deadline?: number;
  hooks?: RunHooks;
}

/**
 * Test and tooling hooks. Throwing from `beforeCheckpoint` simulates a crash after a group's repairs but
 * before its checkpoint (`page`: the page count the checkpoint would reach; the group is read again on
 * resume); from `afterPage`, a crash right after a page (and after its checkpoint, if the page ended a group).
 */
export interface RunHooks {
  beforeCheckpoint?: (account: string, page: number) => void | Promise<void>;
  afterPage?: (account: string, pages: number) => void | Promise<void>;
}

export class DeadlineReachedError extends Error {
  override readonly name = 'DeadlineReachedError';
  constructor() {
    super('Reconciliation stopped at a page boundary: the time budget is spent; the run resumes from its checkpoint');
  }
}

export function pastDeadline(ctx: RunContext): boolean {
  return ctx.deadline !== undefined && Date.now() >= ctx.deadline;
}

/**
 * Runs `fn` over `items` with at most `limit` in flight. Hand-written (a dozen lines) rather than a
 * dependency: the suite has no concurrency library and this is all it needs.
 *
 * It returns only once every worker has stopped (issue 23): a failing item stops its own worker's loop and
 * the first failure is thrown after the others finished their current item, never while they still run
 * unobserved behind a phase that already moved on. Items are normally wrapped in `guardItem` (quarantine.ts),
 * so a failure here is the run's own (a deadline, a lost race), not an item's.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/**
 * Records a discrepancy and, when a repair is given, repairs and marks it repaired. By default the
 * discrepancy is written before the repair, so a crash in between leaves it reported (repaired: false)
 * rather than lost. A repair that leaves its own mark on the ledger (`selfMarking`: the entry is
 * recognised as this run's repair when its page is read again) is done first, and the discrepancy is
 * then written once, already marked: one write less per repaired entry.
 */
export async function report(
  ctx: RunContext,
  key: string,
  d: Omit<Discrepancy, 'at' | 'repaired'>,
  repair?: () => Promise<boolean>,
  opts: { selfMarking?: boolean; collect?: PendingDiscrepancy[] } = {},
): Promise<void> {
  const at = new Date().toISOString();
  if (repair && opts.selfMarking) {
    const repaired = await repair();
    // Collected ones are written together with the page (putDiscrepancies), before its checkpoint.
    if (opts.collect) opts.collect.push({ key, d: { ...d, repaired, at } });
    else await putDiscrepancy(ctx.runId, key, { ...d, repaired, at });
    return;
  }
  const created = await putDiscrepancy(ctx.runId, key, { ...d, repaired: false, at });
  if (!repair) return;
  const repaired = await repair();
  if (repaired || !created) await markDiscrepancy(ctx.runId, key, { repaired });
}

export const opDiscrepancyKey = (type: string, id: string, cls: string) => `${type}#${id}#${cls}`;
