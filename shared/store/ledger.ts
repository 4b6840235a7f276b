import { ENV } from '../config/env.js';
import { tableName } from './client.js';
import { send, sendConditional, sendIfConditionHolds, updateExpression, type UpdateExpressionParts } from './dynamo.js';
import { checkTransition, lifecycleOfOperation, predecessors, type Lifecycle } from '../webhooks/lifecycles.js';
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
  if (await sendConditional((lib) => new lib.PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' })))
    return { created: true, applied: true };
  const r = await applyStatus({
    type: input.type,
    id: input.id,
    status,
    source: input.source,
    at,
    details: input.details,
    amount: input.amount,
    currency: input.currency,
    externalUserId: input.externalUserId,
  });
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
  const change: StatusChange = { status: keepable(status), at, source: input.source, applied: true, ...(input.note ? { note: input.note } : {}) };
  if (checkTransition(lc, undefined, status) === 'unknown-status') return keepUnknownStatus(input, change);
  const condition = transitionCondition(input, lc, status);
  const out = await sendIfConditionHolds(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: opKey(input.type, input.id),
        ...statusUpdate(input, status, change, condition.values),
        ...(condition.expression ? { ConditionExpression: condition.expression } : {}),
        ReturnValues: 'UPDATED_OLD',
      }),
  );
  if (!out) return explainNotApplied(input, status, change);
  const old = out.Attributes as Partial<LedgerOperation> | undefined;
  return { applied: true, ...(old?.status ? { previous: old.status } : {}), version: (old?.version ?? 0) + 1 };
}

/** A status no lifecycle knows is never written as the status; the event is kept in history (if the operation exists). */
async function keepUnknownStatus(input: ApplyStatusInput, change: StatusChange): Promise<ApplyOutcome> {
  const current = await getLedgerOperation(input.type, input.id);
  if (current) await keepRejected(input, { ...change, applied: false, note: input.note ?? 'unknown-status' }, 'unknown-status');
  return { applied: false, reason: 'unknown-status', ...(current ? { current: current.status, version: current.version ?? 0 } : {}) };
}

/**
 * The update of an applied change: the status and its rank, the change appended to history, the version
 * counted, the item's identity (an upsert creates it), facts set once (`if_not_exists`), and the open index:
 * a final status leaves it, any other keeps the operation there (in its original place). Either way the
 * change answers a `verify` mark.
 */
function statusUpdate(input: ApplyStatusInput, status: string, change: StatusChange, conditionValues: Record<string, unknown>): UpdateExpressionParts {
  const open = !isTerminal(status);
  return updateExpression({
    set: { status, statusRank: statusRank(status), updatedAt: change.at, type: input.type, id: input.id, details: input.details },
    setIfAbsent: { createdAt: change.at, amount: input.amount, currency: input.currency, externalUserId: input.externalUserId },
    setClauses: [
      '#history = list_append(if_not_exists(#history, :empty), :change)',
      '#version = if_not_exists(#version, :zero) + :one',
      ...(open ? ['#gsi1pk = :open', '#gsi1sk = if_not_exists(#gsi1sk, :g1s)'] : []),
    ],
    remove: open ? ['verify'] : ['gsi1pk', 'gsi1sk', 'verify'],
    names: { '#history': 'history', '#version': 'version', ...(open ? { '#gsi1pk': 'gsi1pk', '#gsi1sk': 'gsi1sk' } : {}) },
    values: {
      ':change': [change],
      ':empty': [],
      ':zero': 0,
      ':one': 1,
      ...(open ? { ':open': 'OPEN', ':g1s': `${change.at}#${input.type}#${input.id}` } : {}),
      ...conditionValues,
    },
  });
}

/**
 * Which current statuses the change may move from (`#status IN (predecessors)`, the lifecycle's edges), and
 * whether the operation must exist (`upsert` may create it; `force`, reconciliation, skips the edges).
 */
function transitionCondition(input: ApplyStatusInput, lc: Lifecycle, status: string): { expression: string | undefined; values: Record<string, unknown> } {
  const from = input.force ? [] : predecessors(lc, status);
  const values = Object.fromEntries(from.map((f, i) => [`:from${i}`, f]));
  const valid = from.length ? `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})` : 'attribute_not_exists(pk)';
  if (input.force) return { expression: input.upsert ? undefined : 'attribute_exists(pk)', values };
  return { expression: input.upsert ? `attribute_not_exists(pk) OR ${valid}` : `attribute_exists(pk) AND ${valid}`, values };
}

/** Not applied: find out why, and keep the event in history so it is never lost. */
async function explainNotApplied(input: ApplyStatusInput, status: string, change: StatusChange): Promise<ApplyOutcome> {
  const current = await getLedgerOperation(input.type, input.id);
  if (!current) return { applied: false, reason: 'missing' };
  const version = current.version ?? 0;
  if (current.status === status) return { applied: false, reason: 'duplicate', current: current.status, version };
  // Our own stale view (an API answer after P100's webhook) needs no check; an event from P100 does.
  await keepRejected(
    input,
    { ...change, applied: false, note: input.note ?? 'invalid' },
    input.source === 'api' ? undefined : `invalid ${keepable(current.status)} → ${keepable(status)}`,
  );
  return { applied: false, reason: 'invalid', current: current.status, version };
}

/** Appends a change that was not applied; with `verify`, also puts the operation on the open index for reconciliation. */
async function keepRejected(input: ApplyStatusInput, change: StatusChange, verify: string | undefined): Promise<void> {
  const update = updateExpression({
    set: { verify },
    setClauses: ['#history = list_append(#history, :change)', ...(verify ? ['#gsi1pk = :open', '#gsi1sk = if_not_exists(#gsi1sk, :g1s)'] : [])],
    names: { '#history': 'history', ...(verify ? { '#gsi1pk': 'gsi1pk', '#gsi1sk': 'gsi1sk' } : {}) },
    values: { ':change': [change], ...(verify ? { ':open': 'OPEN', ':g1s': `${change.at}#${input.type}#${input.id}` } : {}) },
  });
  await sendConditional(
    (lib) => new lib.UpdateCommand({ TableName: table(), Key: opKey(input.type, input.id), ...update, ConditionExpression: 'attribute_exists(pk)' }),
  );
}

/**
 * Reconciliation found P100 at the operation's own status: the `verify` mark is answered. A final status
 * also leaves the open index again (the mark had put it back there). Conditional on the status it checked.
 */
export async function clearVerification(op: Pick<LedgerOperation, 'type' | 'id' | 'status'>): Promise<void> {
  const final = isTerminal(op.status);
  await sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: opKey(op.type, op.id),
        UpdateExpression: final ? 'REMOVE #verify, gsi1pk, gsi1sk' : 'REMOVE #verify',
        ConditionExpression: 'attribute_exists(#verify) AND #status = :status',
        ExpressionAttributeNames: { '#verify': 'verify', '#status': 'status' },
        ExpressionAttributeValues: { ':status': op.status },
      }),
  );
}

export async function getLedgerOperation(type: OperationType, id: string): Promise<LedgerOperation | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: opKey(type, id), ConsistentRead: true }));
  return out.Item as LedgerOperation | undefined;
}

/** One page of operations that are not final yet (PENDING, PROCESSING, UNKNOWN, ...), oldest first. */
export async function listOpenOperations(
  opts: { limit?: number; cursor?: Record<string, unknown>; createdBefore?: string } = {},
): Promise<{ items: LedgerOperation[]; cursor?: Record<string, unknown> }> {
  const out = await send(
    (lib) =>
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

/**
 * One user's operations, by a filtered scan (the ledger has no index by user; the operator's timeline is
 * the only reader, ASSUMPTIONS.md O3): at most `maxPages` pages; `truncated` when it stopped early.
 */
export async function scanUserOperations(externalUserId: string, maxPages: number): Promise<{ items: LedgerOperation[]; truncated: boolean }> {
  const items: LedgerOperation[] = [];
  let start: Record<string, unknown> | undefined;
  let pages = 0;
  do {
    const out = await send(
      (lib) =>
        new lib.ScanCommand({
          TableName: table(),
          FilterExpression: 'sk = :op AND externalUserId = :u',
          ExpressionAttributeValues: { ':op': 'OP', ':u': externalUserId },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
    );
    items.push(...((out.Items ?? []) as LedgerOperation[]));
    start = out.LastEvaluatedKey;
    pages++;
  } while (start && pages < maxPages);
  return { items, truncated: start !== undefined };
}
