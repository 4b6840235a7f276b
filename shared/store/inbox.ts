import { ENV } from '../config/env.js';
import { tableName } from './client.js';
import { send, sendConditional, sendIfConditionHolds, updateExpression } from './dynamo.js';

/**
 * The webhook inbox: every delivery P100 made that passed authentication, stored once before we answer
 * 200, so a webhook is never lost between P100 and the processor (ARCHITECTURE.md "Webhooks").
 *
 * Item: pk `EVT#<eventId>`, sk `EVENT`; `eventId` is the dedup key (shared/webhooks/event.ts). GSI gsi1:
 * `gsi1pk = STATE#<state>`, `gsi1sk = <receivedAt>#<eventId>` (the operator lists events by state, newest
 * first). TTL attribute `expiresAt` (epoch seconds). Conditional writes only.
 *
 * States: RECEIVED (stored; the receiver sends it to the queue right after, with no further write) →
 * PROCESSED, or DEAD (failed on its last allowed receive, or cannot be routed) until an operator replays it:
 * DEAD/RECEIVED → ENQUEUED (back on the queue by the operator) → PROCESSED. The receiver does not mark
 * RECEIVED → ENQUEUED (ASSUMPTIONS.md E8): an extra enqueue is harmless, an extra write per event is not free.
 */

export type InboxState = 'RECEIVED' | 'ENQUEUED' | 'PROCESSED' | 'DEAD';
export const INBOX_STATES: readonly InboxState[] = ['RECEIVED', 'ENQUEUED', 'PROCESSED', 'DEAD'];

/** What the processor decided for the event, recorded before anything is published. */
export interface InboxOutcome {
  applied: boolean;
  /**
   * Why not applied: `duplicate` (the entity is already in that state), `invalid` (not a transition of its
   * lifecycle from the current state: stale or impossible; the entity is marked for verification),
   * `unknown-status`, `unknown-user` (flagged for the operator), `missing`.
   */
  reason?: string;
  previousStatus?: string;
  /**
   * The entity's state version right after this decision (shared/webhooks/lifecycles.ts). An identical body
   * is a redelivery of this event only while the entity is still at this version (ASSUMPTIONS.md E9).
   */
  version?: number;
  /** The change was made by our own call earlier; this event is the one that announces it (ledger-recording/user-steps.ts). */
  announces?: boolean;
  at: string;
}

export interface InboxEvent {
  pk: string;
  sk: 'EVENT';
  eventId: string;
  webhook: string;
  entityId?: string;
  status?: string;
  externalUserId?: string;
  envelope: 'flat' | 'wrapped';
  eventType?: string;
  /** The entity without its secret fields, as received (unknown fields kept), JSON text. */
  payload: string;
  /** Secret fields, sealed (shared/webhooks/seal.ts); never in clear. */
  sealed?: string;
  state: InboxState;
  receivedAt: string;
  /** Deliveries of this event P100 made (1 + redeliveries found as duplicates). */
  deliveries: number;
  outcome?: InboxOutcome;
  /** The onward EventBridge event was published. */
  published?: boolean;
  processedAt?: string;
  deadReason?: string;
  replays?: number;
  replayedAt?: string;
  leaseUntil?: number;
  leaseOwner?: string;
  /** Earlier occurrence of the same body (the same status again after the entity's state moved on). */
  previousOccurrence?: string;
  /** 0 for the first time a body was seen, then 1, 2, ... (ASSUMPTIONS.md E9). */
  occurrence?: number;
  /** Why the operator should look at it although it was stored: unknown-status, unknown-user, oversized-id, unsafe-id (issue 23). */
  flag?: string;
  /** A smoke event (shared/webhooks/smoke.ts): processed as `{applied: false, reason: "smoke"}`, never applied or published. */
  smoke?: true;
  expiresAt: number;
  gsi1pk: string;
  gsi1sk: string;
}

export type NewInboxEvent = Omit<InboxEvent, 'pk' | 'sk' | 'eventId' | 'state' | 'deliveries' | 'expiresAt' | 'gsi1pk' | 'gsi1sk'>;

/** Inbox items live 30 days (operator replay and audit); the ledger keeps the lasting record. */
export const INBOX_RETENTION_DAYS = 30;

/**
 * How long a RECEIVED item may wait before the operator's replayDeadInboxEvents treats it as never enqueued
 * (P100's retries span ≈ 2 min plus five 10 s timeouts; E8). Not a dedup rule any more (E9).
 */
export const DEDUP_WINDOW_MS = 5 * 60 * 1000;

/** Occurrences of one identical body we follow before giving up (a user suspended and unsuspended 500 times). */
export const MAX_OCCURRENCES = 500;

export const inboxKey = (eventId: string) => ({ pk: `EVT#${eventId}`, sk: 'EVENT' as const });
const table = () => tableName(ENV.inboxTable);
const stateIndex = (state: InboxState, receivedAt: string, eventId: string) => ({ gsi1pk: `STATE#${state}`, gsi1sk: `${receivedAt}#${eventId}` });

export type StoreResult = { created: true; event: InboxEvent } | { created: false; event: InboxEvent };

/**
 * Stores an event under its dedup key with a conditional put (one round trip for a new body: bench B3).
 * When the key is taken, the stored event decides (ASSUMPTIONS.md E9): not processed yet, or processed
 * and `stillCurrent` says the entity has not moved since → a redelivery (returned, its delivery count
 * bumped); otherwise the same body is a new event and takes the next occurrence's key.
 *
 * @param keyOf the dedup key of occurrence n (shared/webhooks/event.ts `dedupKey`)
 * @param stillCurrent whether the entity is still at the version the stored event's outcome recorded
 */
export async function storeInboxEvent(
  input: NewInboxEvent,
  keyOf: (occurrence: number) => string,
  stillCurrent: (existing: InboxEvent) => Promise<boolean>,
  now = Date.now(),
): Promise<StoreResult> {
  for (let occurrence = 0; occurrence < MAX_OCCURRENCES; occurrence++) {
    const eventId = keyOf(occurrence);
    const item: InboxEvent = {
      ...input,
      ...inboxKey(eventId),
      eventId,
      ...(occurrence > 0 ? { occurrence } : {}),
      state: 'RECEIVED',
      deliveries: 1,
      expiresAt: Math.floor(now / 1000) + INBOX_RETENTION_DAYS * 86_400,
      ...stateIndex('RECEIVED', input.receivedAt, eventId),
    };
    if (await sendConditional((lib) => new lib.PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' })))
      return { created: true, event: item };
    const existing = await getInboxEvent(eventId);
    if (!existing) {
      occurrence--; // expired between the put and the read: try the same key again
      continue;
    }
    if (existing.state !== 'PROCESSED' || (await stillCurrent(existing))) {
      await send(
        (lib) =>
          new lib.UpdateCommand({
            TableName: table(),
            Key: inboxKey(eventId),
            UpdateExpression: 'ADD deliveries :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
      );
      return { created: false, event: { ...existing, deliveries: existing.deliveries + 1 } };
    }
    input = { ...input, previousOccurrence: eventId };
  }
  throw new Error(`inbox: more than ${MAX_OCCURRENCES} occurrences of one identical body`);
}

/** Flags a stored event for the operator (it is kept, not applied). */
export async function flagInboxEvent(eventId: string, flag: string): Promise<void> {
  await send(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: inboxKey(eventId),
        UpdateExpression: 'SET #f = :f',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#f': 'flag' },
        ExpressionAttributeValues: { ':f': flag },
      }),
  );
}

export async function getInboxEvent(eventId: string): Promise<InboxEvent | undefined> {
  const out = await send((lib) => new lib.GetCommand({ TableName: table(), Key: inboxKey(eventId), ConsistentRead: true }));
  return out.Item as InboxEvent | undefined;
}

async function setState(
  eventId: string,
  state: InboxState,
  opts: { onlyFrom?: InboxState[]; notFrom?: InboxState[]; extra?: Record<string, unknown>; add?: Record<string, number>; remove?: string[] } = {},
): Promise<boolean> {
  // gsi1sk (receivedAt#eventId) never changes; only the state partition moves.
  const onlyFrom = opts.onlyFrom ?? [];
  const notFrom = opts.notFrom ?? [];
  const values = Object.fromEntries([...onlyFrom.map((s, i) => [`:from${i}`, s]), ...notFrom.map((s, i) => [`:not${i}`, s])]);
  const conditions = ['attribute_exists(pk)'];
  if (onlyFrom.length) conditions.push(`#state IN (${onlyFrom.map((_, i) => `:from${i}`).join(', ')})`);
  for (let i = 0; i < notFrom.length; i++) conditions.push(`#state <> :not${i}`);
  const update = updateExpression({
    set: { state, gsi1pk: `STATE#${state}`, ...opts.extra },
    add: opts.add,
    remove: opts.remove,
    names: { '#state': 'state' },
    values,
  });
  return sendConditional(
    (lib) => new lib.UpdateCommand({ TableName: table(), Key: inboxKey(eventId), ...update, ConditionExpression: conditions.join(' AND ') }),
  );
}

/** An operator replay: back on the queue unless already processed (processing is idempotent anyway). */
export async function markInboxReplayed(eventId: string, at: string): Promise<boolean> {
  if (await setState(eventId, 'ENQUEUED', { notFrom: ['PROCESSED'], extra: { replayedAt: at }, add: { replays: 1 } })) return true;
  // Processed already: only count the replay (the audit trail of what the operator did).
  await send(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: inboxKey(eventId),
        UpdateExpression: 'SET #at = :at ADD #n :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#at': 'replayedAt', '#n': 'replays' },
        ExpressionAttributeValues: { ':at': at, ':one': 1 },
      }),
  );
  return false;
}

export function markInboxProcessed(eventId: string, at: string): Promise<boolean> {
  return setState(eventId, 'PROCESSED', { extra: { processedAt: at }, remove: ['leaseUntil', 'leaseOwner'] });
}

/**
 * How long a processor holds an event (longer than the processor's 60 s timeout, shorter than the
 * queue's 6 min visibility timeout, so a crashed holder's message comes back after its lease ended).
 */
export const INBOX_LEASE_MS = 90_000;

/**
 * Takes the processing lease of an event: SQS may hand the same event to two processors at once (two
 * messages after a concurrent redelivery, or at-least-once delivery), and only one may apply and publish.
 * Returns the item as it stands under the lease, or undefined when it is missing, PROCESSED or leased.
 */
export async function claimInboxEvent(eventId: string, owner: string, now = Date.now()): Promise<InboxEvent | undefined> {
  const out = await sendIfConditionHolds(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: inboxKey(eventId),
        UpdateExpression: 'SET #l = :until, #o = :owner',
        ConditionExpression: 'attribute_exists(pk) AND #s <> :processed AND (attribute_not_exists(#l) OR #l < :now)',
        ExpressionAttributeNames: { '#l': 'leaseUntil', '#o': 'leaseOwner', '#s': 'state' },
        ExpressionAttributeValues: { ':until': now + INBOX_LEASE_MS, ':owner': owner, ':processed': 'PROCESSED', ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
  );
  return out?.Attributes as InboxEvent | undefined;
}

/** Gives the lease back after a failure, so the retry need not wait for it to expire. */
export async function releaseInboxLease(eventId: string, owner: string): Promise<void> {
  await sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: inboxKey(eventId),
        UpdateExpression: 'REMOVE #l, #o',
        ConditionExpression: '#o = :owner',
        ExpressionAttributeNames: { '#l': 'leaseUntil', '#o': 'leaseOwner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
  );
}

/** Parks an event for the operator: its last allowed receive failed, or it cannot be routed. */
export function markInboxDead(eventId: string, reason: string): Promise<boolean> {
  return setState(eventId, 'DEAD', { notFrom: ['PROCESSED'], extra: { deadReason: reason.slice(0, 500) }, remove: ['leaseUntil', 'leaseOwner'] });
}

/**
 * Records the processor's decision once (`if_not_exists`): a retry after a crash finds and reuses it, so
 * an event is applied and published on the strength of one decision. Returns the outcome that stands.
 */
export async function recordInboxOutcome(eventId: string, outcome: InboxOutcome): Promise<InboxOutcome> {
  const recorded = await sendConditional(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: inboxKey(eventId),
        UpdateExpression: 'SET #o = :o',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#o)',
        ExpressionAttributeNames: { '#o': 'outcome' },
        ExpressionAttributeValues: { ':o': outcome },
      }),
  );
  if (recorded) return outcome;
  const current = await getInboxEvent(eventId);
  if (!current?.outcome) throw new Error(`inbox event ${eventId} vanished while recording its outcome`);
  return current.outcome;
}

export async function markInboxPublished(eventId: string): Promise<void> {
  await send(
    (lib) =>
      new lib.UpdateCommand({
        TableName: table(),
        Key: inboxKey(eventId),
        UpdateExpression: 'SET #p = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#p': 'published' },
        ExpressionAttributeValues: { ':t': true },
      }),
  );
}

export interface InboxPage {
  items: InboxEvent[];
  cursor?: string;
}

interface CursorState {
  s: number;
  k?: Record<string, unknown>;
}

function encodeCursor(c: CursorState): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

export class InboxCursorError extends Error {
  override readonly name = 'InboxCursorError';
  constructor() {
    super('cursor is not one this API returned; start again without it');
  }
}

function decodeCursor(s: string, states: number): CursorState {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as CursorState;
    if (typeof c.s !== 'number' || !Number.isInteger(c.s) || c.s < 0 || c.s >= states) throw new Error('bad');
    if (c.k !== undefined && (typeof c.k !== 'object' || c.k === null)) throw new Error('bad');
    return c;
  } catch {
    throw new InboxCursorError();
  }
}

/**
 * One page of inbox events, newest first, by state (all states one after the other when none is given),
 * optionally for one webhook. The cursor is opaque to callers.
 */
export async function listInboxEvents(
  opts: { state?: InboxState; webhook?: string; entityId?: string; limit?: number; cursor?: string } = {},
): Promise<InboxPage> {
  const states = opts.state ? [opts.state] : [...INBOX_STATES];
  const limit = opts.limit ?? 50;
  let c: CursorState = opts.cursor ? decodeCursor(opts.cursor, states.length) : { s: 0 };
  const items: InboxEvent[] = [];
  while (items.length < limit && c.s < states.length) {
    const out = await send(
      (lib) =>
        new lib.QueryCommand({
          TableName: table(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :g',
          ...filterOf(opts),
          ExpressionAttributeValues: {
            ':g': `STATE#${states[c.s]}`,
            ...(opts.webhook ? { ':w': opts.webhook } : {}),
            ...(opts.entityId ? { ':e': opts.entityId } : {}),
          },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ...(c.k ? { ExclusiveStartKey: c.k } : {}),
        }),
    );
    items.push(...((out.Items ?? []) as InboxEvent[]));
    c = out.LastEvaluatedKey ? { s: c.s, k: out.LastEvaluatedKey } : { s: c.s + 1 };
  }
  return { items, ...(c.s < states.length ? { cursor: encodeCursor(c) } : {}) };
}

/** The filter of a listing: webhook and entity (the entity matches its entityId or the user it concerns). */
function filterOf(opts: { webhook?: string; entityId?: string }): { FilterExpression?: string } {
  const parts = [...(opts.webhook ? ['webhook = :w'] : []), ...(opts.entityId ? ['(entityId = :e OR externalUserId = :e)'] : [])];
  return parts.length ? { FilterExpression: parts.join(' AND ') } : {};
}

/**
 * Events per state received since `since` (ISO time), for the operator's intake figures: a count-only
 * query of the state index over the time range (gsi1sk starts with receivedAt), no items read out.
 */
export async function countInboxSince(since: string): Promise<Record<InboxState, number>> {
  const counts = { RECEIVED: 0, ENQUEUED: 0, PROCESSED: 0, DEAD: 0 } satisfies Record<InboxState, number>;
  for (const state of INBOX_STATES) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await send(
        (lib) =>
          new lib.QueryCommand({
            TableName: table(),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :g AND gsi1sk >= :since',
            ExpressionAttributeValues: { ':g': `STATE#${state}`, ':since': since },
            Select: 'COUNT',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
      );
      counts[state] += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return counts;
}
