import { ENV } from '../config/env.js';
import { tableName } from './client.js';
import { send, sendConditional } from './dynamo.js';
import { opKey, type LedgerOperation, type OperationType } from './ledger.js';
import { runItems } from './reconciliation.js';

/**
 * The ledger accesses reconciliation needs beyond the ledger's own (ledger.ts), moved here from shared/reconcile/ledger-access.ts: the operations of a history page in one
 * batch, one "this run saw these in P100's history" item per history page, the claim of an operation by an
 * UNKNOWN write, and a streamed scan of the operations this run did not see (the "missing at P100" class).
 * Batches, because per-entry round trips dominate the run time of a long history.
 */

const table = () => tableName(ENV.ledgerTable);

const opRef = (type: string, id: string) => `${type}#${id}`;
const SEEN_PREFIX = 'SEENP#';
const seenPageKey = (runId: string, account: string, page: number) => ({
  pk: `RECON#RUN#${runId}`,
  sk: `${SEEN_PREFIX}${account}#${String(page).padStart(9, '0')}`,
});

/** Retries what DynamoDB left unprocessed (throttling), with a short growing pause. */
async function pause(attempt: number): Promise<void> {
  await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
}

async function batchGet(keys: Record<string, string>[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, string>[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt) await pause(attempt);
      const res = await send((lib) => new lib.BatchGetCommand({ RequestItems: { [table()]: { Keys: pending, ConsistentRead: true } } }));
      out.push(...((res.Responses?.[table()] ?? []) as Record<string, unknown>[]));
      pending = (res.UnprocessedKeys?.[table()]?.Keys ?? []) as Record<string, string>[];
    }
  }
  return out;
}

/**
 * The ledger operations of one history page, in one BatchGetItem per 100 (not one read per entry):
 * keyed `<type>#<id>`. A TRANSFER missing under its type is looked for as P2P_TRANSFER (the webhook's).
 */
export async function getOperations(refs: readonly { type: OperationType; id: string }[]): Promise<Map<string, LedgerOperation>> {
  const unique = new Map(refs.map((r) => [opRef(r.type, r.id), r]));
  const found = new Map<string, LedgerOperation>();
  for (const item of await batchGet([...unique.values()].map((r) => opKey(r.type, r.id)))) {
    const op = item as unknown as LedgerOperation;
    found.set(opRef(op.type, op.id), op);
  }
  const p2p = [...unique.values()].filter((r) => r.type === 'TRANSFER' && !found.has(opRef(r.type, r.id)));
  for (const item of await batchGet(p2p.map((r) => opKey('P2P_TRANSFER', r.id)))) {
    const op = item as unknown as LedgerOperation;
    found.set(opRef('TRANSFER', op.id), op);
  }
  return found;
}

/**
 * Remembers that run `runId` saw these operations in P100 history: ONE item per history page (key: the
 * account and the page's number in the account's sweep), holding the page's `<type>#<id>` refs, written
 * before the page's checkpoint. It used to be one marker item per entry (100 item writes per page, most
 * of a long run's time: bench B4); a page's refs fit one item easily (100 × ≈ 50 bytes, DynamoDB allows
 * 400 KB). Crash-safe: a page re-read after a crash has the same number (the checkpoint did not move) and
 * overwrites the item; an entry that the re-read page no longer holds lies after its last entry, so a
 * later page records it.
 */
export async function markSeen(runId: string, account: string, page: number, refs: readonly { type: string; id: string }[]): Promise<void> {
  if (!refs.length) return;
  const unique = [...new Set(refs.map((r) => opRef(r.type, r.id)))];
  await send((lib) => new lib.PutCommand({ TableName: table(), Item: { ...seenPageKey(runId, account, page), refs: unique } }));
}

/**
 * Every ref this run saw, from its per-page items (all accounts, including those swept by other workers).
 * Kept in memory for the scan below: a Set of short strings, ≈ 100 bytes each in V8, so ≈ 10 MB for
 * 100,000 history entries in one window, well inside the run's 64 MB heap budget (bench B4). Above a few
 * hundred thousand entries per window this would want an index instead (ASSUMPTIONS.md R7).
 */
async function seenInRun(runId: string): Promise<Set<string>> {
  const seen = new Set<string>();
  for await (const items of runItems<{ refs?: string[] }>(runId, SEEN_PREFIX, { pageLimit: 100 }))
    for (const it of items) for (const r of it.refs ?? []) seen.add(r);
  return seen;
}

/**
 * Claims an operation for the UNKNOWN write `unknownId`: succeeds only if no request owns it yet (no
 * idempotency key: it was recorded from a webhook or by reconciliation) and no other UNKNOWN claimed it.
 * The condition makes two UNKNOWN writes unable to take the same P100 operation.
 */
export async function claimOperation(type: OperationType, id: string, unknownId: string, idempotencyKey: string | undefined): Promise<boolean> {
  return sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: opKey(type, id),
        UpdateExpression: idempotencyKey ? 'SET claimedBy = :me, idempotencyKey = :k' : 'SET claimedBy = :me',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(claimedBy) OR claimedBy = :me) AND (attribute_not_exists(idempotencyKey) OR idempotencyKey = :k)',
        ExpressionAttributeValues: { ':me': unknownId, ':k': idempotencyKey ?? '\u0000none' },
      }),
  );
}

/**
 * Operations created in `[from, to)` whose type appears in P100 history by nature (`historyTypes`:
 * p100/reads.ts HISTORY_LEDGER_TYPES), are known to P100 (not an
 * UNKNOWN write), and that run `runId` did not see in any history: one page of the table at a time.
 * A Scan, because the ledger has no index by time; it reads the table once per run, in pages, keeping
 * only the run's seen refs (seenInRun).
 */
export async function* operationsNotSeen(
  runId: string,
  window: { from?: string; to: string },
  historyTypes: readonly OperationType[],
  pageLimit = 500,
): AsyncGenerator<LedgerOperation[]> {
  const types = historyTypes.map((_, i) => `:t${i}`);
  const values: Record<string, unknown> = {
    ':op': 'OP#',
    ':to': window.to,
    ':run': runId,
    ':unk': 'unknown:',
    ':unknown': 'UNKNOWN',
    ':resolved': 'RESOLVED',
    ...Object.fromEntries(historyTypes.map((t, i) => [`:t${i}`, t])),
  };
  let filter =
    'begins_with(pk, :op) AND createdAt < :to ' +
    'AND (attribute_not_exists(details.reconRun) OR details.reconRun <> :run) AND NOT begins_with(#id, :unk) ' +
    `AND #status <> :unknown AND #status <> :resolved AND #type IN (${types.join(', ')})`;
  if (window.from) {
    filter += ' AND createdAt >= :from';
    values[':from'] = window.from;
  }
  let cursor: Record<string, unknown> | undefined;
  let seen: Set<string> | undefined;
  do {
    const out = await send(
      (lib) =>
        new lib.ScanCommand({
          TableName: table(),
          FilterExpression: filter,
          ExpressionAttributeNames: { '#id': 'id', '#status': 'status', '#type': 'type' },
          ExpressionAttributeValues: values,
          // Only what a "missing at P100" report shows: the scan reads every operation of the window, and
          // the history, amounts of detail and lifecycle notes of each would be read for nothing (bench B4).
          ProjectionExpression: 'pk, sk, #id, #type, #status, amount, currency, createdAt, externalUserId',
          Limit: pageLimit,
          ConsistentRead: true,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
    );
    const items = (out.Items ?? []) as LedgerOperation[];
    if (items.length) {
      seen ??= await seenInRun(runId);
      const known = seen;
      const notSeen = items.filter((o) => !known.has(opRef(o.type, o.id)) && !(o.type === 'P2P_TRANSFER' && known.has(opRef('TRANSFER', o.id))));
      if (notSeen.length) yield notSeen;
    }
    cursor = out.LastEvaluatedKey;
  } while (cursor);
}
