import { ENV } from '../config/env.js';
import { dynamo, isConditionFailed, roundTrips, tableName } from './client.js';
import { checkTransition, lifecycleOfOperation, predecessors } from '../webhooks/lifecycles.js';
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
  /** Applied changes so far (1 on creation): the state version webhook dedup compares (ASSUMPTIONS.md E9). */
  version?: number;
  /** Why reconciliation must check this operation against P100 (an event that was no valid transition). */
  verify?: string;
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
 * along its lifecycle's transition table instead. One round trip in the common case.
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
    version: 1,
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
  /** Reconciliation only: P100's truth replaces ours even where the lifecycle has no such edge (recorded as such). */
  force?: boolean;
  note?: string;
  /** Create the operation if it does not exist (events about things P100 started: deposits, card payments). */
  upsert?: boolean;
}

export type ApplyOutcome =
  | { applied: true; previous?: string; version: number }
  | { applied: false; reason: 'duplicate' | 'invalid' | 'unknown-status' | 'missing'; current?: string; version?: number };

/** A status as it may be kept in history: an absurd one (10 KB "status") is cut, its length noted. */
function keepable(status: string): string {
  return status.length <= 64 ? status : `${status.slice(0, 64)}…(${status.length} chars)`;
}

/**
 * Moves an operation to `status` if its lifecycle (shared/webhooks/lifecycles.ts) has that edge from the
 * current status: one conditional update (`#status IN (predecessors)`). When the condition fails, the event
 * is still kept in the operation's history (`applied: false`) so nothing is lost; an event from P100 that is
 * no valid transition (stale, impossible) also puts the operation back on the open index with `verify`, so
 * reconciliation checks it against P100. An unknown status is never written as the status.
 */
export async function applyStatus(input: ApplyStatusInput): Promise<ApplyOutcome> {
  const at = input.at ?? new Date().toISOString();
  const status = input.status.toUpperCase();
  const lc = lifecycleOfOperation(input.type);
  const terminal = isTerminal(status);
  const change: StatusChange = { status: keepable(status), at, source: input.source, applied: true, ...(input.note ? { note: input.note } : {}) };
  if (checkTransition(lc, undefined, status) === 'unknown-status') {
    const current = await getLedgerOperation(input.type, input.id);
    if (current) await keepRejected(input, { ...change, applied: false, note: input.note ?? 'unknown-status' }, 'unknown-status');
    return { applied: false, reason: 'unknown-status', ...(current ? { current: current.status, version: current.version ?? 0 } : {}) };
  }
  const names: Record<string, string> = { '#status': 'status', '#rank': 'statusRank', '#updatedAt': 'updatedAt', '#history': 'history', '#type': 'type', '#id': 'id', '#createdAt': 'createdAt', '#v': 'version' };
  const values: Record<string, unknown> = { ':status': status, ':rank': statusRank(status), ':at': at, ':change': [change], ':empty': [], ':type': input.type, ':id': input.id, ':zero': 0, ':one': 1 };
  const sets = [
    '#status = :status',
    '#rank = :rank',
    '#updatedAt = :at',
    '#history = list_append(if_not_exists(#history, :empty), :change)',
    '#type = :type',
    '#id = :id',
    '#createdAt = if_not_exists(#createdAt, :at)',
    '#v = if_not_exists(#v, :zero) + :one',
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
    update = `SET ${sets.join(', ')} REMOVE gsi1pk, gsi1sk, verify`;
  } else {
    names['#g1'] = 'gsi1pk';
    names['#g1s'] = 'gsi1sk';
    values[':open'] = 'OPEN';
    values[':g1s'] = `${at}#${input.type}#${input.id}`;
    update = `SET ${sets.join(', ')}, #g1 = :open, #g1s = if_not_exists(#g1s, :g1s) REMOVE verify`;
  }
  const from = input.force ? [] : predecessors(lc, status);
  from.forEach((f, i) => (values[`:from${i}`] = f));
  const valid = from.length ? `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})` : 'attribute_not_exists(pk)';
  const condition = input.force
    ? input.upsert
      ? undefined
      : 'attribute_exists(pk)'
    : input.upsert
      ? `attribute_not_exists(pk) OR ${valid}`
      : `attribute_exists(pk) AND ${valid}`;
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
    const old = out.Attributes as Partial<LedgerOperation> | undefined;
    return { applied: true, ...(old?.status ? { previous: old.status } : {}), version: (old?.version ?? 0) + 1 };
  } catch (e) {
    if (!isConditionFailed(e)) throw e;
  }
  // Not applied: find out why, and keep the event in history so it is never lost.
  const current = await getLedgerOperation(input.type, input.id);
  if (!current) return { applied: false, reason: 'missing' };
  const version = current.version ?? 0;
  if (current.status === status) return { applied: false, reason: 'duplicate', current: current.status, version };
  // Our own stale view (an API answer after P100's webhook) needs no check; an event from P100 does.
  await keepRejected(input, { ...change, applied: false, note: input.note ?? 'invalid' }, input.source === 'api' ? undefined : `invalid ${keepable(current.status)} → ${keepable(status)}`);
  return { applied: false, reason: 'invalid', current: current.status, version };
}

/** Appends a change that was not applied; with `verify`, also puts the operation on the open index for reconciliation. */
async function keepRejected(input: ApplyStatusInput, change: StatusChange, verify: string | undefined): Promise<void> {
  const names: Record<string, string> = { '#history': 'history' };
  const values: Record<string, unknown> = { ':change': [change] };
  let update = 'SET #history = list_append(#history, :change)';
  if (verify) {
    Object.assign(names, { '#verify': 'verify', '#g1': 'gsi1pk', '#g1s': 'gsi1sk' });
    Object.assign(values, { ':verify': verify, ':open': 'OPEN', ':g1s': `${change.at}#${input.type}#${input.id}` });
    update += ', #verify = :verify, #g1 = :open, #g1s = if_not_exists(#g1s, :g1s)';
  }
  try {
    roundTrips.count++;
    const { doc, lib } = await dynamo();
    await doc.send(
      new lib.UpdateCommand({ TableName: table(), Key: opKey(input.type, input.id), UpdateExpression: update, ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
    );
  } catch (e) {
    if (!isConditionFailed(e)) throw e;
  }
}

/**
 * Reconciliation found P100 at the operation's own status: the `verify` mark is answered. A final status
 * also leaves the open index again (the mark had put it back there). Conditional on the status it checked.
 */
export async function clearVerification(op: Pick<LedgerOperation, 'type' | 'id' | 'status'>): Promise<void> {
  const final = isTerminal(op.status);
  try {
    roundTrips.count++;
    const { doc, lib } = await dynamo();
    await doc.send(
      new lib.UpdateCommand({
        TableName: table(),
        Key: opKey(op.type, op.id),
        UpdateExpression: final ? 'REMOVE #verify, gsi1pk, gsi1sk' : 'REMOVE #verify',
        ConditionExpression: 'attribute_exists(#verify) AND #status = :status',
        ExpressionAttributeNames: { '#verify': 'verify', '#status': 'status' },
        ExpressionAttributeValues: { ':status': op.status },
      }),
    );
  } catch (e) {
    if (!isConditionFailed(e)) throw e;
  }
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
