import { logger } from '../log/logger.js';
import {
  applyStatus,
  clearVerification,
  getLedgerOperation,
  listOpenOperations,
  recordOperation,
  type LedgerOperation,
  type OperationType,
} from '../store/ledger.js';
import { forEachLimit, opDiscrepancyKey, report, type RunContext } from './context.js';
import { sameDecimal } from '../decimal.js';
import { claimOperation } from '../store/reconciliation-ledger.js';
import { fetchDetails, hasDetailsEndpoint, historyPages, ledgerTypeOf, type Account, type HistoryEntry } from '../p100/reads.js';
import { heartbeat, isQuarantined } from '../store/reconciliation.js';
import { withinBudget } from '../budget.js';
import { safeIdOrDigest, safeIdProblem } from '../safe-id.js';
import { guardItem, quarantine } from './quarantine.js';
import { lifecycleOfOperation } from '../webhooks/lifecycles.js';
import { publishRepair } from './repair.js';

/**
 * Step 1 of a run: operations that are not final although they should be.
 *
 * - Still PENDING (or PROCESSING, ...) longer than `pendingAfterSeconds`: P100's details endpoint says
 *   what happened; its status is applied (a missed webhook, repaired) and reported as `stale-pending`.
 *   P100 not knowing the id at all is `missing-at-p100`.
 * - UNKNOWN writes (id `unknown:<operationId>:<idempotencyKey>`: the request may or may not have reached
 *   P100, and we have no P100 id): matched against P100 history, see `matchUnknown`.
 */
export async function reconcileOpenOperations(ctx: RunContext): Promise<void> {
  const pendingBefore = Date.now() - ctx.config.pendingAfterSeconds * 1000;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await withinBudget(ctx.config.pageBudgetSeconds * 1000, 'a page of open operations', () =>
      listOpenOperations({ limit: 100, ...(cursor ? { cursor } : {}) }),
    );
    cursor = page.cursor;
    // UNKNOWN writes one at a time, oldest first: two identical ones must claim P100 operations in order.
    for (const op of page.items) if (isUnknownWrite(op)) await guardOperation(ctx, op, () => resolveUnknown(ctx, op));
    const stale = page.items.filter((op) => !isUnknownWrite(op) && Date.parse(op.createdAt) <= pendingBefore && hasDetailsEndpoint(op.type));
    await forEachLimit(stale, ctx.config.userConcurrency, (op) => guardOperation(ctx, op, (signal) => resolvePending(ctx, op, signal)));
    await heartbeat(ctx.runId, new Date(Date.now() + ctx.config.leaseSeconds * 1000).toISOString());
  } while (cursor);
}

/**
 * One open operation as an item of the run (issue 23): skipped when an earlier run quarantined it; quarantined
 * at once, without a P100 call, when its id fails the safe-id rule (stored before the rule existed: such an id
 * would be refused as a path parameter); otherwise worked on within the item budget (`guardItem`).
 */
async function guardOperation(ctx: RunContext, op: LedgerOperation, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const ref = { type: op.type, id: safeIdOrDigest(op.id) };
  if (await isQuarantined(ref.type, ref.id)) return;
  // An UNKNOWN write's id is ours (`unknown:<operationId>:<key>`) and never goes into a P100 URL.
  const unsafe = isUnknownWrite(op) ? undefined : safeIdProblem(op.id);
  if (unsafe) {
    await quarantine(ctx, ref, `unsafe id: ${unsafe}`, { status: op.status, createdAt: op.createdAt });
    return;
  }
  await guardItem(ctx, ref, work);
}

export function isUnknownWrite(op: LedgerOperation): boolean {
  return op.id.startsWith('unknown:') || op.status === 'UNKNOWN';
}

async function resolvePending(ctx: RunContext, op: LedgerOperation, signal?: AbortSignal): Promise<void> {
  const theirs = await fetchDetails(op.type, op.id);
  // Past its budget the item is quarantined already: a late answer changes nothing.
  signal?.throwIfAborted();
  const ours = { status: op.status, amount: op.amount ?? null, currency: op.currency ?? null, createdAt: op.createdAt };
  if (!theirs) {
    await report(ctx, opDiscrepancyKey(op.type, op.id, 'missing-at-p100'), {
      class: 'missing-at-p100',
      type: op.type,
      id: op.id,
      ours,
      theirs: null,
      note: 'P100 does not know this id (details: not found)',
    });
    return;
  }
  if (theirs.status === op.status) {
    if (op.verify) await clearVerification(op);
    return;
  }
  await report(
    ctx,
    opDiscrepancyKey(op.type, op.id, 'stale-pending'),
    { class: 'stale-pending', type: op.type, id: op.id, ours, theirs: { ...theirs } },
    async () => {
      const r = await applyStatus({
        type: op.type,
        id: op.id,
        status: theirs.status,
        source: 'reconciliation',
        force: true,
        note: `recon:${ctx.runId}:stale-pending`,
      });
      if (r.applied)
        await publishRepair(ctx, lifecycleOfOperation(op.type), {
          entityId: op.id,
          status: theirs.status,
          previousStatus: op.status,
          ...(op.externalUserId ? { externalUserId: op.externalUserId } : {}),
          data: { ...theirs },
        });
      return r.applied;
    },
  );
}

const sameType = (a: OperationType, b: OperationType) => a === b || ((a === 'TRANSFER' || a === 'P2P_TRANSFER') && (b === 'TRANSFER' || b === 'P2P_TRANSFER'));

/**
 * Whether a history entry (of the right account, inside the request's time window: the history read is
 * bounded to it) may be the UNKNOWN write `op`: same type, currency and amount (as decimals). Pure, so the
 * matching step can be measured alone (bench B7); ownership (`claimOperation`) is checked after it.
 */
export function isUnknownCandidate(op: Pick<LedgerOperation, 'type' | 'amount' | 'currency'>, e: HistoryEntry): boolean {
  if (!op.amount || !op.currency) return false;
  const type = ledgerTypeOf(e.type);
  return !!type && sameType(type, op.type) && e.currency === op.currency.toLowerCase() && sameDecimal(e.amount, op.amount);
}

/**
 * Resolves one UNKNOWN write from P100 history.
 *
 * Matching rule: an entry of the same account (the operation's user, or the partner when it has none),
 * the same type, the same amount (as decimals) and currency, created in
 * `[request time − clockSkewSeconds, request time + unknownMatchWindowSeconds)`, and not owned by another
 * request (see `claimOperation`). The earliest such entry is claimed: its operation is recorded under
 * P100's id (`OP#<type>#<p100Id>`, with P100's status) and the UNKNOWN one becomes RESOLVED, pointing at it.
 * With no match once `unknownGraceSeconds` (and the match window) have passed, P100 never received the
 * write: it is marked FAILED with the reason. Before that nothing is decided (the write may still land).
 *
 * Limits: two identical UNKNOWN writes (same user, type, amount, currency) inside one window are told
 * apart only by order: each claims one matching entry, oldest request first, so if only one reached P100
 * the other is FAILED, but which of the two idempotency keys gets P100's id is a guess (harmless for
 * the money: they are identical). An identical operation made at P100 by other means (the P100 dashboard)
 * in the window, and not in our ledger, can be mistaken for the UNKNOWN write.
 */
export async function resolveUnknown(ctx: RunContext, op: LedgerOperation): Promise<void> {
  const { config } = ctx;
  const requestedAt = Date.parse(op.createdAt);
  const from = new Date(requestedAt - config.clockSkewSeconds * 1000).toISOString();
  const windowEnd = requestedAt + config.unknownMatchWindowSeconds * 1000;
  const to = new Date(Math.min(Date.now() + 1000, windowEnd)).toISOString();
  const ours = {
    status: op.status,
    amount: op.amount ?? null,
    currency: op.currency ?? null,
    createdAt: op.createdAt,
    externalUserId: op.externalUserId ?? null,
  };
  if (!op.amount || !op.currency) {
    logger.warn('UNKNOWN operation without amount/currency cannot be matched', { type: op.type, id: op.id });
    return;
  }
  const account: Account = op.externalUserId ? { kind: 'user', externalUserId: op.externalUserId } : { kind: 'partner' };
  let found: { entry: HistoryEntry; type: OperationType } | undefined;
  for await (const page of historyPages(account, { from, to }, { pageSize: config.pageSize })) {
    for (const e of page.entries) {
      const type = ledgerTypeOf(e.type);
      if (!type || !isUnknownCandidate(op, e)) continue;
      const id = e.referenceId ?? e.id;
      const existing = await getLedgerOperation(op.type, id);
      if (existing?.idempotencyKey && existing.idempotencyKey !== op.idempotencyKey) continue;
      if (existing && typeof (existing as { claimedBy?: unknown }).claimedBy === 'string' && (existing as { claimedBy?: string }).claimedBy !== op.id) continue;
      await recordOperation({
        type: op.type,
        id,
        status: e.status,
        source: 'reconciliation',
        ...(op.externalUserId ? { externalUserId: op.externalUserId } : {}),
        amount: e.amount,
        currency: e.currency,
        details: { ...(op.details ?? {}), resolvedFrom: op.id, reconRun: ctx.runId, reconClass: 'unknown-resolved', historyEntryId: e.id },
        at: e.createdAt,
      });
      if (!(await claimOperation(op.type, id, op.id, op.idempotencyKey))) continue;
      found = { entry: e, type };
      break;
    }
    if (found) break;
  }

  if (found) {
    const { entry } = found;
    const id = entry.referenceId ?? entry.id;
    const theirs = { id, status: entry.status, amount: entry.amount, currency: entry.currency, createdAt: entry.createdAt };
    await report(
      ctx,
      opDiscrepancyKey(op.type, op.id, 'unknown-resolved'),
      { class: 'unknown-resolved', type: op.type, id: op.id, ours, theirs, note: `P100 received it: OP#${op.type}#${id}` },
      async () => {
        const r = await applyStatus({
          type: op.type,
          id: op.id,
          status: 'RESOLVED',
          source: 'reconciliation',
          details: { ...(op.details ?? {}), resolvedTo: id, p100Status: entry.status },
          note: `recon:${ctx.runId}:resolved:${id}`,
        });
        return r.applied;
      },
    );
    return;
  }
  const decideAt = requestedAt + Math.max(config.unknownGraceSeconds * 1000, config.unknownMatchWindowSeconds * 1000);
  if (Date.now() < decideAt) return;
  const reason = `P100 never received it: no ${op.type} of ${op.amount} ${op.currency} in the history of ${account.kind === 'user' ? account.externalUserId : 'the partner'} between ${from} and ${new Date(windowEnd).toISOString()}`;
  await report(
    ctx,
    opDiscrepancyKey(op.type, op.id, 'unknown-failed'),
    { class: 'unknown-failed', type: op.type, id: op.id, ours, theirs: null, note: reason },
    async () => {
      const r = await applyStatus({
        type: op.type,
        id: op.id,
        status: 'FAILED',
        source: 'reconciliation',
        details: { ...(op.details ?? {}), failureReason: reason },
        note: `recon:${ctx.runId}:not-received`,
      });
      return r.applied;
    },
  );
}
