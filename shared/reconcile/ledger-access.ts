import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../config/env.js';
import { documentClient, isConditionFailed, roundTrips, tableName } from '../store/client.js';
import { opKey, type LedgerOperation, type OperationType } from '../store/ledger.js';
import { HISTORY_LEDGER_TYPES } from './p100.js';

/**
 * The two ledger accesses reconciliation needs beyond shared/store: "look at this operation and remember
 * that this run saw it in P100's history" (one round trip, so matching an entry costs no extra write),
 * and a streamed scan of the operations this run did not see (the "missing at P100" class).
 */

const table = () => tableName(ENV.ledgerTable);

/** The operation, marked as seen by `runId`; undefined if the ledger does not have it. */
export async function touchOperation(type: OperationType, id: string, runId: string): Promise<LedgerOperation | undefined> {
  try {
    roundTrips.count++;
    const out = await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: opKey(type, id),
        UpdateExpression: 'SET reconSeenRun = :run',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':run': runId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as LedgerOperation | undefined;
  } catch (e) {
    if (isConditionFailed(e)) return undefined;
    throw e;
  }
}

/**
 * Claims an operation for the UNKNOWN write `unknownId`: succeeds only if no request owns it yet (no
 * idempotency key: it was recorded from a webhook or by reconciliation) and no other UNKNOWN claimed it.
 * The condition makes two UNKNOWN writes unable to take the same P100 operation.
 */
export async function claimOperation(type: OperationType, id: string, unknownId: string, idempotencyKey: string | undefined): Promise<boolean> {
  try {
    roundTrips.count++;
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: opKey(type, id),
        UpdateExpression: idempotencyKey ? 'SET claimedBy = :me, idempotencyKey = :k' : 'SET claimedBy = :me',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(claimedBy) OR claimedBy = :me) AND (attribute_not_exists(idempotencyKey) OR idempotencyKey = :k)',
        ExpressionAttributeValues: { ':me': unknownId, ':k': idempotencyKey ?? '\u0000none' },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
}

/**
 * Operations created in `[from, to)` that appear in P100 history by nature, are known to P100 (not an
 * UNKNOWN write), and that run `runId` did not see in any history: one page of the table at a time.
 * A Scan, because the ledger has no index by time; it reads the table once per run, in pages, and keeps
 * nothing.
 */
export async function* operationsNotSeen(runId: string, window: { from?: string; to: string }, pageLimit = 500): AsyncGenerator<LedgerOperation[]> {
  const types = HISTORY_LEDGER_TYPES.map((_, i) => `:t${i}`);
  const values: Record<string, unknown> = {
    ':op': 'OP#',
    ':to': window.to,
    ':run': runId,
    ':unk': 'unknown:',
    ':unknown': 'UNKNOWN',
    ':resolved': 'RESOLVED',
    ...Object.fromEntries(HISTORY_LEDGER_TYPES.map((t, i) => [`:t${i}`, t])),
  };
  let filter =
    'begins_with(pk, :op) AND createdAt < :to AND (attribute_not_exists(reconSeenRun) OR reconSeenRun <> :run) ' +
    'AND (attribute_not_exists(details.reconRun) OR details.reconRun <> :run) AND NOT begins_with(#id, :unk) ' +
    `AND #status <> :unknown AND #status <> :resolved AND #type IN (${types.join(', ')})`;
  if (window.from) {
    filter += ' AND createdAt >= :from';
    values[':from'] = window.from;
  }
  let cursor: Record<string, unknown> | undefined;
  do {
    roundTrips.count++;
    const out = await documentClient().send(
      new ScanCommand({
        TableName: table(),
        FilterExpression: filter,
        ExpressionAttributeNames: { '#id': 'id', '#status': 'status', '#type': 'type' },
        ExpressionAttributeValues: values,
        Limit: pageLimit,
        ConsistentRead: true,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    const items = (out.Items ?? []) as LedgerOperation[];
    if (items.length) yield items;
    cursor = out.LastEvaluatedKey;
  } while (cursor);
}
