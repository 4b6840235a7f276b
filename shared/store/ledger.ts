import { ENV } from '../config/env.js';
import { dynamo, isConditionFailed, roundTrips, tableName } from './client.js';
import { isTerminal, statusRank } from './status.js';

/**
 * The ledger: what we believe P100 holds. One DynamoDB table, conditional writes only (no transactions:
 * dynalite has none, and each item stands alone).
 *
 * Items:
 * - operation  pk `OP#<type>#<id>`, sk `OP`: every money movement we started or heard of. `id` is P100's
 *   id (exchangeId, withdrawalId, transferId, cryptoDepositId, ...) or, for a write whose outcome is
 *   unknown, `unknown:<idempotency key>` until reconciliation resolves it.
 * - user       pk `USER#<externalUserId>`, sk `PROFILE`.
 * Sparse index gsi1: open operations (`gsi1pk = OPEN`, removed once terminal) and all users
 * (`gsi1pk = USERS`), so reconciliation reads only what it must.
 */

export type OperationType =
  | 'EXCHANGE'
  | 'CRYPTO_WITHDRAWAL'
  | 'CRYPTO_DEPOSIT'
  | 'TRANSFER'
  | 'P2P_TRANSFER'
  | 'SEPA_TRANSFER'
  | 'SEPA_DEPOSIT'
  | 'CARD'
  | 'CARD_TRANSACTION';

export interface StatusChange {
  status: string;
  at: string;
  source: 'api' | 'webhook' | 'reconciliation' | 'operator';
  applied: boolean;
  note?: string;
}

export interface LedgerOperation {
  pk: string;
  sk: 'OP';
  type: OperationType;
  id: string;
  status: string;
  statusRank: number;
  externalUserId?: string;
  amount?: string;
  currency?: string;
  /** Non-sensitive facts about the operation (never PAN, PIN, CVV, IBAN in clear, documents). */
  details?: Record<string, unknown>;
  idempotencyKey?: string;
  createdAt: string;
  updatedAt: string;
  history: StatusChange[];
  gsi1pk?: 'OPEN';
  gsi1sk?: string;
}

export const opKey = (type: OperationType, id: string) => ({ pk: `OP#${type}#${id}`, sk: 'OP' as const });

const table = () => tableName(ENV.ledgerTable);

export interface RecordOperationInput {
  type: OperationType;
  id: string;
  status: string;
  source: StatusChange['source'];
  externalUserId?: string;
  amount?: string;
  currency?: string;
  details?: Record<string, unknown>;
  idempotencyKey?: string;
  at?: string;
}

/**
 * Creates the operation if new; if it exists (a webhook raced ahead of our own write), applies the status
 * under the monotonic rule instead. One round trip in the common case.
 */
export async function recordOperation(input: RecordOperationInput): Promise<{ created: boolean; applied: boolean }> {
  const at = input.at ?? new Date().toISOString();
  const status = input.status.toUpperCase();
  const terminal = isTerminal(status);
  const item: LedgerOperation = {
    ...opKey(input.type, input.id),
    type: input.type,
    id: input.id,
    status,
    statusRank: statusRank(status),
    ...(input.externalUserId ? { externalUserId: input.externalUserId } : {}),
    ...(input.amount ? { amount: input.amount } : {}),
    ...(input.currency ? { currency: input.currency } : {}),
    ...(input.details ? { details: input.details } : {}),
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    createdAt: at,
    updatedAt: at,
    history: [{ status, at, source: input.source, applied: true }],
    ...(terminal ? {} : { gsi1pk: 'OPEN' as const, gsi1sk: `${at}#${input.type}#${input.id}` }),
  };
  try {
    roundTrips.count++;
    const { doc, lib } = await dynamo();
    await doc.send(new lib.PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return { created: true, applied: true };
  } catch (e) {
    if (!isConditionFailed(e)) throw e;
  }
  const r = await applyStatus({ type: input.type, id: input.id, status, source: input.source, at, details: input.details, amount: input.amount, currency: input.currency, externalUserId: input.externalUserId });
  return { created: false, applied: r.applied };
}

export interface ApplyStatusInput {
  type: OperationType;
  id: string;
  status: string;
  source: StatusChange['source'];
  at?: string;
  details?: Record<string, unknown>;
  amount?: string;
  currency?: string;
  externalUserId?: string;
  /** Reconciliation only: P100's truth replaces ours even against the monotonic rule (recorded as such). */
  force?: boolean;
  note?: string;
  /** Create the operation if it does not exist (events about things P100 started: deposits, card payments). */
  upsert?: boolean;
}

export type ApplyOutcome =
  | { applied: true; previous?: string }
  | { applied: false; reason: 'duplicate' | 'stale' | 'terminal-conflict' | 'missing'; current?: string };

/**
 * Moves an operation to `status` if that is a step forward: one conditional update. When the condition
 * fails, the event is still kept in the operation's history (`applied: false`) so nothing is lost.
 */
export async function applyStatus(input: ApplyStatusInput): Promise<ApplyOutcome> {
  const at = input.at ?? new Date().toISOString();
  const status = input.status.toUpperCase();
  const rank = statusRank(status);
  const terminal = isTerminal(status);
  const change: StatusChange = { status, at, source: input.source, applied: true, ...(input.note ? { note: input.note } : {}) };
  const names: Record<string, string> = { '#status': 'status', '#rank': 'statusRank', '#updatedAt': 'updatedAt', '#history': 'history', '#type': 'type', '#id': 'id', '#createdAt': 'createdAt' };
  const values: Record<string, unknown> = { ':status': status, ':rank': rank, ':at': at, ':change': [change], ':empty': [], ':type': input.type, ':id': input.id };
  const sets = [
    '#status = :status',
    '#rank = :rank',
    '#updatedAt = :at',
    '#history = list_append(if_not_exists(#history, :empty), :change)',
    '#type = :type',
    '#id = :id',
    '#createdAt = if_not_exists(#createdAt, :at)',
  ];
  for (const [k, v] of Object.entries({ amount: input.amount, currency: input.currency, externalUserId: input.externalUserId })) {
    if (v === undefined) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = if_not_exists(#${k}, :${k})`);
  }
  if (input.details) {
    names['#details'] = 'details';
    values[':details'] = input.details;
    sets.push('#details = :details');
  }
  let update: string;
  if (terminal) {
    update = `SET ${sets.join(', ')} REMOVE gsi1pk, gsi1sk`;
  } else {
    names['#g1'] = 'gsi1pk';
    names['#g1s'] = 'gsi1sk';
    values[':open'] = 'OPEN';
    values[':g1s'] = `${at}#${input.type}#${input.id}`;
    update = `SET ${sets.join(', ')}, #g1 = :open, #g1s = if_not_exists(#g1s, :g1s)`;
  }
  const condition = input.force
    ? input.upsert
      ? undefined
      : 'attribute_exists(pk)'
    : input.upsert
      ? 'attribute_not_exists(pk) OR #rank < :rank'
      : 'attribute_exists(pk) AND #rank < :rank';
  try {
    roundTrips.count++;
    const { doc, lib } = await dynamo();
    const out = await doc.send(
      new lib.UpdateCommand({
        TableName: table(),
        Key: opKey(input.type, input.id),
        UpdateExpression: update,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(condition ? { ConditionExpression: condition } : {}),
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const previous = (out.Attributes as Partial<LedgerOperation> | undefined)?.status;
    return { applied: true, ...(previous ? { previous } : {}) };
  } catch (e) {
    if (!isConditionFailed(e)) throw e;
  }
  // Not applied: find out why, and keep the event in history so it is never lost.
  const current = await getLedgerOperation(input.type, input.id);
  if (!current) return { applied: false, reason: 'missing' };
  const reason = current.status === status ? 'duplicate' : isTerminal(current.status) && terminal ? 'terminal-conflict' : 'stale';
  if (reason !== 'duplicate') {
    roundTrips.count++;
    const { doc, lib } = await dynamo();
    await doc.send(
      new lib.UpdateCommand({
        TableName: table(),
        Key: opKey(input.type, input.id),
        UpdateExpression: 'SET #history = list_append(#history, :change)',
        ExpressionAttributeNames: { '#history': 'history' },
        ExpressionAttributeValues: { ':change': [{ ...change, applied: false, note: input.note ?? reason }] },
      }),
    );
  }
  return { applied: false, reason, current: current.status };
}

export async function getLedgerOperation(type: OperationType, id: string): Promise<LedgerOperation | undefined> {
  roundTrips.count++;
  const { doc, lib } = await dynamo();
  const out = await doc.send(new lib.GetCommand({ TableName: table(), Key: opKey(type, id), ConsistentRead: true }));
  return out.Item as LedgerOperation | undefined;
}

/** One page of operations that are not final yet (PENDING, PROCESSING, UNKNOWN, ...), oldest first. */
export async function listOpenOperations(opts: { limit?: number; cursor?: Record<string, unknown>; createdBefore?: string } = {}): Promise<{ items: LedgerOperation[]; cursor?: Record<string, unknown> }> {
  roundTrips.count++;
  const { doc, lib } = await dynamo();
  const out = await doc.send(
    new lib.QueryCommand({
      TableName: table(),
      IndexName: 'gsi1',
      KeyConditionExpression: opts.createdBefore ? 'gsi1pk = :open AND gsi1sk < :before' : 'gsi1pk = :open',
      ExpressionAttributeValues: { ':open': 'OPEN', ...(opts.createdBefore ? { ':before': opts.createdBefore } : {}) },
      Limit: opts.limit ?? 100,
      ...(opts.cursor ? { ExclusiveStartKey: opts.cursor } : {}),
    }),
  );
  return { items: (out.Items ?? []) as LedgerOperation[], ...(out.LastEvaluatedKey ? { cursor: out.LastEvaluatedKey } : {}) };
}
