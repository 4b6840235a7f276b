import { applyStatus, clearVerification, recordOperation, type LedgerOperation, type OperationType } from '../store/ledger.js';
import { lifecycleOfOperation } from '../webhooks/lifecycles.js';
import { publishRepair } from './repair.js';
import { forEachLimit, opDiscrepancyKey, pastDeadline, report, DeadlineReachedError, type PendingDiscrepancy, type RunContext } from './context.js';
import { sameDecimal } from '../decimal.js';
import { getOperations, markSeen } from '../store/reconciliation-ledger.js';
import { accountKey, historyPages, ledgerTypeOf, type Account, type HistoryCursor, type HistoryEntry } from '../p100/reads.js';
import { advanceProgress, getProgress, heartbeat, putDiscrepancies } from '../store/reconciliation.js';
import { withinBudget } from '../budget.js';
import { guardItem, quarantine } from './quarantine.js';

/**
 * Step 2 of a run: one account's P100 history in the run's window, matched with the ledger entry by entry.
 *
 * Classes: matched; missing here (P100 has it, we do not: recorded from P100); amount mismatch (reported,
 * never "repaired": a wrong amount needs a person); status mismatch (P100's status applied with `force`,
 * reported). "Missing at P100" is found after every history of the run was read (see finalize.ts).
 *
 * Per page the engine adds to the reads any reconciliation must make (the page, the BatchGetItem of its
 * ledger operations) only in-memory matching. Its own writes are amortised over a group of
 * `checkpointPages` pages (issue 15, B4): the group's "seen" refs in ONE item, its discrepancies in batch
 * writes, then ONE conditional checkpoint (cursor and counts together). The lease heartbeat is written
 * only when a third of the lease has passed since the last one, not per page.
 *
 * Crash safety: the account's cursor and its counts move together at each checkpoint (one conditional
 * write), so a resumed run re-reads at most the group in flight: up to `checkpointPages` pages (1,000
 * entries at the defaults), that is that many page reads and BatchGetItems redone, and its entries matched
 * again (nothing is written for a matched entry). An entry of that group that the crashed attempt already
 * repaired is recognised by the mark the repair left on the ledger operation (`details.reconRun`/
 * `historyEntryId`, or a history note `recon:<runId>:status-mismatch:<entryId>`), so it is neither
 * reported twice nor counted as matched. The group's seen item is keyed by the group's first page number,
 * which a re-read group keeps (it starts from the same checkpoint), so it is overwritten, not doubled.
 */
export async function reconcileAccountHistory(ctx: RunContext, account: Account): Promise<void> {
  const key = accountKey(account);
  const progress = await getProgress(ctx.runId, key);
  if (progress?.done) return;
  let cursor: HistoryCursor | undefined = progress?.cursor;
  let pages = progress?.pages ?? 0;
  const leaseMs = ctx.config.leaseSeconds * 1000;
  let lastBeat = Date.now();
  // The group since the last checkpoint.
  let group = { pages: 0, matched: 0, entries: 0, unreadable: 0, refs: [] as { type: OperationType; id: string }[], found: [] as PendingDiscrepancy[] };
  let groupEnd: HistoryCursor | undefined = cursor;
  const checkpoint = async () => {
    if (group.pages === 0) return;
    await putDiscrepancies(ctx.runId, group.found);
    await markSeen(ctx.runId, key, pages + 1, group.refs);
    await ctx.hooks?.beforeCheckpoint?.(key, pages + group.pages);
    await advanceProgress(
      ctx.runId,
      key,
      cursor,
      groupEnd,
      { matched: group.matched, entries: group.entries, unreadable: group.unreadable, pages: group.pages },
      false,
    );
    cursor = groupEnd;
    pages += group.pages;
    group = { pages: 0, matched: 0, entries: 0, unreadable: 0, refs: [], found: [] };
    if (Date.now() - lastBeat >= leaseMs / 3) {
      await heartbeat(ctx.runId, new Date(Date.now() + leaseMs).toISOString());
      lastBeat = Date.now();
    }
  };
  const pageBudgetMs = ctx.config.pageBudgetSeconds * 1000;
  const pagesRead = prefetched(historyPages(account, ctx.window, { ...(cursor ? { cursor } : {}), pageSize: ctx.config.pageSize }), pageBudgetMs, key);
  for await (const page of pagesRead) {
    // Refused entries (unreadable, or failing the safe-id rule) are quarantined, each with its reason; the
    // rest of the page goes on. They are judged again on every run (no look-up per entry: pages stay cheap, B4).
    for (const r of page.rejected) await quarantine(ctx, { type: 'HISTORY', id: r.id, account: key }, r.reason);
    const refs = page.entries
      .map((e) => ({ type: ledgerTypeOf(e.type), id: e.referenceId ?? e.id }))
      .filter((r): r is { type: OperationType; id: string } => r.type !== undefined);
    const ledger = await withinBudget(pageBudgetMs, `ledger look-ups of a page of ${key}`, () => getOperations(refs));
    const found = group.found;
    let matched = 0;
    await forEachLimit(page.entries, ctx.config.entryConcurrency, async (entry) => {
      await guardItem(ctx, { type: entry.type, id: entry.referenceId ?? entry.id, account: key }, async () => {
        if ((await classifyEntry(ctx, key, entry, ledger, found)) === 'matched') matched++;
      });
    });
    for (const r of refs) group.refs.push(r);
    group.pages += 1;
    group.matched += matched;
    group.entries += page.entries.length;
    group.unreadable += page.unreadable;
    const last = page.entries[page.entries.length - 1];
    if (last) groupEnd = { createdAt: last.createdAt, id: last.id };
    const stopping = pastDeadline(ctx);
    if (group.pages >= ctx.config.checkpointPages || stopping) await checkpoint();
    await ctx.hooks?.afterPage?.(key, pages + group.pages);
    if (stopping) throw new DeadlineReachedError();
  }
  await checkpoint();
  await advanceProgress(ctx.runId, key, cursor, cursor, { matched: 0, entries: 0, unreadable: 0, pages: 0 }, true);
}

/**
 * Asks for the next history page while the current one is matched against the ledger, so the P100 call
 * and the DynamoDB work of a page overlap. The reader's cursor moves on its own entries, not on our
 * checkpoint, so a page fetched early and then dropped (deadline, crash) changes nothing: the resumed run
 * starts again from the checkpoint. Written here because it is five lines and no library we use has it.
 * Each page read has `budgetMs` (issue 23): past it the run stops at that page and resumes from its checkpoint.
 */
async function* prefetched<T>(source: AsyncIterable<T>, budgetMs: number, account: string): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const read = () => withinBudget(budgetMs, `a history page of ${account}`, () => it.next());
  let next = read();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = read();
      // A failed prefetch is reported when (if) it is awaited above, not as an unhandled rejection.
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    void it.return?.(undefined)?.catch(() => undefined);
  }
}

type Outcome = 'matched' | 'discrepancy';

const statusNote = (runId: string, entryId: string) => `recon:${runId}:status-mismatch:${entryId}`;

function facts(e: HistoryEntry): Record<string, unknown> {
  return { status: e.status, amount: e.amount, currency: e.currency, createdAt: e.createdAt, historyEntryId: e.id, externalUserId: e.externalUserId ?? null };
}

function ours(op: LedgerOperation): Record<string, unknown> {
  return { status: op.status, amount: op.amount ?? null, currency: op.currency ?? null, createdAt: op.createdAt };
}

/** Classifies one history entry against the page's ledger operations and repairs what may be repaired. */
export async function classifyEntry(
  ctx: RunContext,
  account: string,
  e: HistoryEntry,
  ledger: ReadonlyMap<string, LedgerOperation>,
  collect?: PendingDiscrepancy[],
): Promise<Outcome> {
  const type = ledgerTypeOf(e.type);
  const id = e.referenceId ?? e.id;
  if (!type) {
    await report(ctx, opDiscrepancyKey(e.type, id, 'missing-here'), {
      class: 'missing-here',
      type: e.type,
      id,
      ours: null,
      theirs: facts(e),
      account,
      note: `history type ${e.type} has no ledger type`,
    });
    return 'discrepancy';
  }
  const op = ledger.get(`${type}#${id}`);

  if (!op) {
    await report(
      ctx,
      opDiscrepancyKey(type, id, 'missing-here'),
      { class: 'missing-here', type, id, ours: null, theirs: facts(e), account },
      async () => {
        await recordOperation({
          type,
          id,
          status: e.status,
          source: 'reconciliation',
          ...(e.externalUserId ? { externalUserId: e.externalUserId } : {}),
          amount: e.amount,
          currency: e.currency,
          details: { reconRun: ctx.runId, reconClass: 'missing-here', historyEntryId: e.id, ...(e.direction ? { direction: e.direction } : {}) },
          at: e.createdAt,
        });
        // A deposit or card payment no webhook told us of: consumers hear it now.
        await publishRepair(ctx, lifecycleOfOperation(type), {
          entityId: id,
          status: e.status,
          ...(e.externalUserId ? { externalUserId: e.externalUserId } : {}),
          data: facts(e),
        });
        return true;
      },
      { selfMarking: true, ...(collect ? { collect } : {}) },
    );
    return 'discrepancy';
  }
  const d = op.details ?? {};
  if (d['reconRun'] === ctx.runId && d['reconClass'] === 'missing-here' && d['historyEntryId'] === e.id) {
    // This entry's own repair, seen again after a crash: already reported (or reported now, once).
    await report(
      ctx,
      opDiscrepancyKey(type, id, 'missing-here'),
      { class: 'missing-here', type, id, ours: null, theirs: facts(e), account },
      async () => true,
      { selfMarking: true, ...(collect ? { collect } : {}) },
    );
    return 'discrepancy';
  }

  let outcome: Outcome = 'matched';
  if (op.amount !== undefined && (!sameDecimal(op.amount, e.amount) || (op.currency !== undefined && op.currency.toLowerCase() !== e.currency))) {
    await report(ctx, opDiscrepancyKey(type, id, 'amount-mismatch'), { class: 'amount-mismatch', type, id, ours: ours(op), theirs: facts(e), account });
    outcome = 'discrepancy';
  }
  const note = statusNote(ctx.runId, e.id);
  const repairedBefore = op.history?.some((h) => h.note === note) ?? false;
  // An event that was no valid transition marked it for verification: P100 agrees with the ledger.
  if (op.verify && op.status === e.status && !repairedBefore) await clearVerification(op);
  if (op.status !== e.status || repairedBefore) {
    await report(
      ctx,
      opDiscrepancyKey(type, id, 'status-mismatch'),
      { class: 'status-mismatch', type, id, ours: ours(op), theirs: facts(e), account },
      async () => {
        // Re-read after a crash: the repair stands; publish it again (same eventId, consumers dedupe).
        const r =
          op.status === e.status ? { applied: true } : await applyStatus({ type: op.type, id, status: e.status, source: 'reconciliation', force: true, note });
        if (r.applied)
          await publishRepair(ctx, lifecycleOfOperation(op.type), {
            entityId: id,
            status: e.status,
            ...(op.status !== e.status ? { previousStatus: op.status } : {}),
            ...(op.externalUserId ? { externalUserId: op.externalUserId } : {}),
            data: facts(e),
          });
        return r.applied;
      },
      { selfMarking: true, ...(collect ? { collect } : {}) },
    );
    outcome = 'discrepancy';
  }
  return outcome;
}
