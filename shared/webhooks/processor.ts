import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { QUEUE_MAX_RECEIVE_COUNT } from '../config/constants.js';
import { numberToDecimalString } from '../decimal.js';
import { eventPublisher } from '../events/index.js';
import { publishedEvent } from '../events/published.js';
import { logger } from '../log/logger.js';
import {
  claimInboxEvent,
  getInboxEvent,
  flagInboxEvent,
  markInboxDead,
  markInboxProcessed,
  markInboxPublished,
  recordInboxOutcome,
  releaseInboxLease,
  type InboxEvent,
  type InboxOutcome,
} from '../store/inbox.js';
import { prefetchDataKey } from '../secrets/data-key.js';
import { documentClient } from '../store/client.js';
import { applyStatus, getLedgerOperation } from '../store/ledger.js';
import { applyUserTransition, getLedgerUser, isQuietMove, markUserFactAnnounced } from '../store/ledger-users.js';
import { getWebhook, webhookProcessingOf, type WebhookDefinition, type WebhookLedgerTarget } from './catalog.js';
import { entityRef, MAX_ENTITY_ID_BYTES, oversized } from './entity.js';
import { countWebhookMetric } from './metrics.js';
import { restView } from '../classification/rules.js';
import { openSealedFields, sealAad } from './receiver.js';
import { safeIdProblem, safeStatusProblem, unsafeFields } from '../safe-id.js';
import { BudgetExceededError, withinBudget } from '../budget.js';
import { readEnv } from '../config/env.js';

/**
 * The webhook processor: takes inbox events off the queue, applies each to the ledger along its lifecycle's
 * transition table (shared/webhooks/lifecycles.ts), and publishes one EventBridge event per applied change.
 * Not a valid transition: kept in the ledger history, not applied, the entity marked for verification.
 * Unknown status, unknown user, oversized id: parked DEAD with a flag for the operator, never applied.
 *
 * Exactly-once in effect, at-least-once underneath: SQS may deliver a message twice and a processor may
 * die anywhere. So every step is idempotent and recorded on the inbox item:
 * lease (one processor at a time) → outcome recorded once → published flag → PROCESSED.
 * A retry resumes from the last recorded step; a replay of a processed event changes nothing.
 */

/** Receives before SQS moves a message to the DLQ (the webhook queue's redrive policy, infra/lib/core.ts). */
export const WEBHOOK_MAX_RECEIVE_COUNT = QUEUE_MAX_RECEIVE_COUNT;

/** The `detail` of every onward event (version 1; shared/webhooks/EVENTS.md). */
export interface WebhookEventDetail {
  version: '1';
  /** The inbox event id: consumers dedupe on it (delivery to them is at least once). */
  eventId: string;
  webhook: string;
  entityId: string;
  status?: string;
  previousStatus?: string;
  externalUserId?: string;
  occurredAt: string;
  /** Who told us: the webhook (default), or reconciliation repairing a state a webhook never brought (EVENTS.md). */
  source: 'webhook' | 'reconciliation';
  data: Record<string, unknown>;
}

export class InboxBusyError extends Error {
  override readonly name = 'InboxBusyError';
  constructor(eventId: string) {
    super(`inbox event ${eventId} is being processed by another worker; retry later`);
  }
}

export class InboxEventMissingError extends Error {
  override readonly name = 'InboxEventMissingError';
  constructor(eventId: string) {
    super(`inbox event ${eventId} does not exist (expired or never stored)`);
  }
}

export type ProcessResult = 'processed' | 'skipped' | 'dead';

const noteOf = (eventId: string) => `inbox:${eventId}`;

function amountOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return numberToDecimalString(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

type Decision = Omit<InboxOutcome, 'at'> | { flag: 'unknown-status' | 'unknown-user'; detail: string };

async function applyToOperation(
  item: InboxEvent,
  target: Extract<WebhookLedgerTarget, { kind: 'operation' }>,
  entity: Record<string, unknown>,
  entityId: string,
  status: string,
): Promise<Decision> {
  const ledgerStatus = target.statusMap?.[status] ?? status;
  const externalUserId = item.externalUserId ?? str(entity.sourceExternalUserId) ?? str(entity.destinationExternalUserId);
  const amount = amountOf(entity.amount);
  // An exchange names the currency it sells `currencyFrom` (ASSUMPTIONS.md A8: amount = amount sold).
  const currency = (str(entity.currency) ?? str(entity.currencyFrom))?.toLowerCase();
  const r = await applyStatus({
    type: target.type,
    id: entityId,
    status: ledgerStatus,
    source: 'webhook',
    at: item.receivedAt,
    upsert: true,
    note: noteOf(item.eventId),
    ...(externalUserId ? { externalUserId } : {}),
    ...(amount ? { amount } : {}),
    ...(currency ? { currency } : {}),
  });
  if (r.applied) return { applied: true, version: r.version, ...(r.previous ? { previousStatus: r.previous } : {}) };
  if (r.reason === 'unknown-status') return { flag: 'unknown-status', detail: `not a ${target.type} status` };
  if (r.reason === 'duplicate') {
    // A processor that died after the ledger write and before recording the outcome: the change is ours.
    const op = await getLedgerOperation(target.type, entityId);
    const history = op?.history ?? [];
    const mine = history.findIndex((h) => h.applied && h.note === noteOf(item.eventId));
    if (mine !== -1) {
      const before = history
        .slice(0, mine)
        .reverse()
        .find((h) => h.applied);
      return { applied: true, version: op?.version ?? 0, ...(before ? { previousStatus: before.status } : {}) };
    }
  }
  return { applied: false, reason: r.reason, ...(r.version !== undefined ? { version: r.version } : {}), ...(r.current ? { previousStatus: r.current } : {}) };
}

async function applyToUser(item: InboxEvent, fact: string, externalUserId: string, status: string): Promise<Decision> {
  const source = `webhook:${item.eventId}`;
  const user = await getLedgerUser(externalUserId);
  // Never create a user from a webhook: a user we did not create is the operator's to look at.
  if (!user) return { flag: 'unknown-user', detail: 'no such user in the ledger (never created here)' };
  const current = user.facts?.[fact];
  // Ours, written before a crash (a quiet one published nothing and still publishes nothing).
  if (current?.source === source)
    return current.quiet ? { applied: false, reason: 'duplicate', version: current.v ?? 0 } : { applied: true, version: current.v ?? 0 };
  if (current?.announced === item.eventId) return { applied: true, announces: true, version: current.v ?? 0 };
  // Our own calls moved the fact away and back unannounced; this event brings it where consumers already are.
  const quiet = isQuietMove(current, status);
  const r = await applyUserTransition({ externalUserId, fact, status, at: item.receivedAt, source, user, ...(quiet ? { quiet } : {}) });
  if (r.applied && quiet) return { applied: false, reason: 'duplicate', version: r.version };
  if (r.applied) {
    // Consumers know the last announced value, not our unannounced moves in between.
    const told = current?.announced === false ? current.lastTold : r.previous;
    return { applied: true, version: r.version, ...(told !== undefined ? { previousStatus: told } : {}) };
  }
  switch (r.reason) {
    case 'unknown-user':
      return { flag: 'unknown-user', detail: 'no such user in the ledger (never created here)' };
    case 'unknown-status':
      return { flag: 'unknown-status', detail: `not a ${fact} status` };
    case 'raced':
      throw new Error(`user ${fact} changed while deciding; retry`);
    case 'equal': {
      // Our own call set this state (ledger-recording/user-steps.ts) and nobody told consumers yet: this event announces it.
      const v = r.current?.v ?? 0;
      const unannounced = r.current?.announced === false && (await markUserFactAnnounced(externalUserId, fact, v, item.eventId));
      // Consumers already hold this value (our own moves went there and back): confirmed, nothing to tell.
      if (unannounced && r.current?.lastTold !== status) return { applied: true, announces: true, version: v };
      return { applied: false, reason: 'duplicate', version: v };
    }
    case 'invalid':
      return {
        applied: false,
        reason: 'invalid',
        ...(r.version !== undefined ? { version: r.version } : {}),
        ...(r.current ? { previousStatus: String(r.current.value) } : {}),
      };
  }
}

async function decide(item: InboxEvent, def: WebhookDefinition, entity: Record<string, unknown>, entityId: string): Promise<Decision> {
  const target = webhookProcessingOf(def.name).ledger;
  const status = item.status ?? '';
  switch (target.kind) {
    case 'operation':
      return applyToOperation(item, target, entity, entityId, status);
    case 'userFact': {
      const ref = entityRef(def, { entityId, ...(item.externalUserId ? { externalUserId: item.externalUserId } : {}), entity });
      if (ref.kind !== 'userFact') throw new Error('unroutable user event passed the routing check');
      return applyToUser(item, ref.fact, ref.externalUserId, status);
    }
    case 'none':
      return { applied: true };
  }
}

/**
 * The onward event's data: the stored payload as the classification lets it travel (issue 12: personal
 * fields masked, PANs as 6+4, PANs and IBANs in free text masked; EVENTS.md), plus the secret fields this
 * webhook delivers (card codes), opened from the seal.
 */
async function onwardData(item: InboxEvent, def: WebhookDefinition, entity: Record<string, unknown>): Promise<Record<string, unknown>> {
  const deliver = webhookProcessingOf(def.name).deliverSecretFields;
  // issue 12 (data classification): the rest view again, so items stored before the receiver applied it travel masked too.
  const data = restView(entity) as Record<string, unknown>;
  if (!item.sealed || deliver.length === 0) return data;
  const secrets = await openSealedFields(item.sealed, sealAad(def.name, item.entityId));
  for (const f of deliver) if (f in secrets) data[f] = secrets[f];
  return data;
}

/** Why an event cannot be routed at all (then retrying cannot help: it is parked for the operator). */
function unroutable(item: InboxEvent, def: WebhookDefinition, entity: Record<string, unknown>): string | undefined {
  if (!item.entityId) {
    // Present, but not a string or number (`true`, `{}`, `null`): hostile, not merely missing.
    const raw = rawField(entity, def.entityIdField);
    return raw === undefined ? `no ${def.entityIdField} in the payload` : `unsafe-id: ${def.entityIdField}: ${safeIdProblem(raw)}`;
  }
  if (def.statusField && !item.status) {
    const raw = rawField(entity, def.statusField);
    return raw === undefined ? `no ${def.statusField} in the payload` : `unsafe-id: ${def.statusField}: ${safeStatusProblem(raw)}`;
  }
  if (webhookProcessingOf(def.name).ledger.kind === 'userFact' && !item.externalUserId) return 'no externalUserId in the payload';
  // Too long for a ledger key: no retry can store it (issue 11: it used to fail five times first).
  if (oversized(item.entityId) || oversized(item.externalUserId)) return `oversized-id: an id longer than ${MAX_ENTITY_ID_BYTES} bytes`;
  // The safe-id rule (issue 23): nothing that fails it reaches a ledger key, a P100 URL or a log line.
  const target = webhookProcessingOf(def.name).ledger;
  const problems = unsafeFields(
    {
      [def.entityIdField]: rawField(entity, def.entityIdField) ?? item.entityId,
      externalUserId: rawField(entity, 'externalUserId'),
      ...(def.statusField ? { [def.statusField]: item.status } : {}),
      ...(target.kind === 'userFact' && target.factSuffixField ? { [target.factSuffixField]: rawField(entity, target.factSuffixField) } : {}),
    },
    {
      ids: [def.entityIdField],
      optionalIds: ['externalUserId', ...(target.kind === 'userFact' && target.factSuffixField ? [target.factSuffixField] : [])],
      statuses: def.statusField ? [def.statusField] : [],
    },
  );
  if (problems.length) return `unsafe-id: ${problems.join('; ')}`;
  return undefined;
}

function parsedEntity(item: InboxEvent): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(item.payload);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A field of the stored entity as P100 sent it (camelCase or snake_case), to see its JSON type. */
function rawField(entity: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(entity, field)) return entity[field];
  const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return Object.hasOwn(entity, snake) ? entity[snake] : undefined;
}

/**
 * Time budget of one inbox event (issue 23; ASSUMPTIONS.md S4): a few DynamoDB calls and one PutEvents, well
 * under a second normally. Past it the attempt is given up (retried by the queue; DEAD on the last receive,
 * with the reason), so one event can never hold a batch until the function times out. `WEBHOOK_ITEM_BUDGET_SECONDS`.
 */
export const WEBHOOK_ITEM_BUDGET_SECONDS = 20;

function webhookItemBudgetMs(): number {
  const raw = Number(readEnv('WEBHOOK_ITEM_BUDGET_SECONDS') ?? WEBHOOK_ITEM_BUDGET_SECONDS);
  return (Number.isInteger(raw) && raw >= 1 && raw <= 300 ? raw : WEBHOOK_ITEM_BUDGET_SECONDS) * 1000;
}

/**
 * Processes one inbox event within its budget. Throws when it must be retried (the queue redelivers, then
 * dead-letters). `receiveCount` is SQS's ApproximateReceiveCount: on the last allowed receive a failure, an
 * overrun included, also parks the inbox item as DEAD with the reason, so the operator finds it by listing
 * the inbox. Operator replays come back through here (the queue), under the same budget.
 */
export async function processInboxEvent(eventId: string, opts: { receiveCount?: number; maxReceiveCount?: number } = {}): Promise<ProcessResult> {
  const budgetMs = webhookItemBudgetMs();
  try {
    return await withinBudget(budgetMs, `inbox event ${eventId}`, () => processInboxEventOnce(eventId, opts));
  } catch (e) {
    if (e instanceof BudgetExceededError) {
      const last = (opts.receiveCount ?? 1) >= (opts.maxReceiveCount ?? WEBHOOK_MAX_RECEIVE_COUNT);
      if (last) await markInboxDead(eventId, `over budget: not processed within ${budgetMs} ms`).catch(() => undefined);
      logger.error('webhook processing ran past its budget; given up', { eventId, budgetMs, receiveCount: opts.receiveCount, last });
    }
    throw e;
  }
}

async function processInboxEventOnce(eventId: string, opts: { receiveCount?: number; maxReceiveCount?: number }): Promise<ProcessResult> {
  const last = (opts.receiveCount ?? 1) >= (opts.maxReceiveCount ?? WEBHOOK_MAX_RECEIVE_COUNT);
  const owner = randomUUID();
  // The claim returns the item as it stands under the lease (outcome and published flag included).
  const item = await claimInboxEvent(eventId, owner);
  if (!item) {
    const current = await getInboxEvent(eventId);
    if (!current) throw new InboxEventMissingError(eventId);
    if (current.state === 'PROCESSED') return 'skipped';
    throw new InboxBusyError(eventId);
  }
  const def = getWebhook(item.webhook);
  try {
    // Before anything reads the ledger: a smoke event is acknowledged, never applied nor published (smoke.ts).
    if (item.smoke) return await acknowledgeSmoke(item, def);
    // The stored entity, parsed once (the receiver wrote it with JSON.stringify).
    const entity = parsedEntity(item);
    const reason = unroutable(item, def, entity);
    if (reason) {
      if (reason.startsWith('oversized-id')) await flagInboxEvent(eventId, 'oversized-id');
      else if (reason.startsWith('unsafe-id')) await flagInboxEvent(eventId, 'unsafe-id');
      await markInboxDead(eventId, `unroutable: ${reason}`);
      countWebhookMetric('WebhookDead', def.name);
      logger.error('webhook event cannot be routed; parked as DEAD for the operator', { eventId, webhook: def.name, reason });
      return 'dead';
    }
    const entityId = item.entityId as string;
    let outcome = item.outcome;
    if (!outcome) {
      const decision = await decide(item, def, entity, entityId);
      if ('flag' in decision) {
        // Kept for the operator, never applied; no outcome is recorded, so a replay (user created since,
        // status added to the table) decides afresh.
        await flagInboxEvent(eventId, decision.flag);
        await markInboxDead(eventId, `${decision.flag}: ${decision.detail}`);
        countWebhookMetric('WebhookDead', def.name);
        logger.warn('webhook event flagged and parked for the operator', { eventId, webhook: def.name, flag: decision.flag });
        return 'dead';
      }
      outcome = await recordInboxOutcome(eventId, { ...decision, at: new Date().toISOString() });
    }
    if (outcome.applied && !item.published) {
      const detail: WebhookEventDetail = {
        version: '1',
        eventId,
        webhook: def.name,
        entityId,
        ...(item.status ? { status: item.status } : {}),
        ...(outcome.previousStatus ? { previousStatus: outcome.previousStatus } : {}),
        ...(item.externalUserId ? { externalUserId: item.externalUserId } : {}),
        occurredAt: item.receivedAt,
        source: 'webhook',
        data: await onwardData(item, def, entity),
      };
      await eventPublisher().publish([publishedEvent(def.detailType, { ...detail })]);
      await markInboxPublished(eventId);
    }
    await markInboxProcessed(eventId, new Date().toISOString());
    countWebhookMetric(outcome.applied ? 'WebhookProcessed' : 'WebhookStale', def.name);
    logger.info('webhook processed', {
      eventId,
      webhook: def.name,
      entityId,
      status: item.status,
      applied: outcome.applied,
      reason: outcome.reason,
      detailType: outcome.applied ? def.detailType : undefined,
    });
    return 'processed';
  } catch (e) {
    await releaseInboxLease(eventId, owner).catch(() => undefined);
    const error = e instanceof Error ? e : new Error(String(e));
    if (last) {
      await markInboxDead(eventId, `${error.name}: ${error.message}`).catch(() => undefined);
      countWebhookMetric('WebhookDead', def.name);
    }
    logger.error('webhook processing failed', { eventId, webhook: def.name, receiveCount: opts.receiveCount, last, error });
    throw e;
  }
}

/** A smoke event: the outcome says so, the item is PROCESSED; no ledger write, no onward event (smoke.ts). */
async function acknowledgeSmoke(item: InboxEvent, def: WebhookDefinition): Promise<ProcessResult> {
  if (!item.outcome) await recordInboxOutcome(item.eventId, { applied: false, reason: 'smoke', at: new Date().toISOString() });
  await markInboxProcessed(item.eventId, new Date().toISOString());
  countWebhookMetric('WebhookSmoke', def.name);
  logger.info('webhook smoke event processed (not applied, not published)', { eventId: item.eventId, webhook: def.name });
  return 'processed';
}

function eventIdOf(record: SQSRecord): string {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error('webhook queue message is not JSON');
  }
  const id = (body as { eventId?: unknown } | null)?.eventId;
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) throw new Error('webhook queue message has no eventId');
  return id;
}

/**
 * The SQS handler of functions/jobs/webhookProcessor.ts: Powertools BatchProcessor with partial batch
 * failures, so one bad record is retried alone and the rest of the batch is acknowledged. Awaited at the top
 * level of the entry file: Powertools batch (only this function needs it, so it is a chunk of its own), the
 * DynamoDB client (every record reads the inbox) and the data key (the seal) load during Lambda's init
 * (issue 28). The EventBridge client too: most records publish an onward event.
 */
export async function webhookProcessorHandler(options: { maxReceiveCount?: number } = {}) {
  const [{ BatchProcessor, EventType, processPartialResponse }] = await Promise.all([
    import('@aws-lambda-powertools/batch'),
    documentClient(),
    prefetchDataKey(),
    eventPublisher().prepare?.(),
  ]);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // One processor per invocation: its state is per batch (a local runner may overlap invocations).
    const processor = new BatchProcessor(EventType.SQS);
    const record = async (r: SQSRecord): Promise<ProcessResult> =>
      processInboxEvent(eventIdOf(r), {
        receiveCount: Number(r.attributes?.ApproximateReceiveCount ?? '1'),
        ...(options.maxReceiveCount ? { maxReceiveCount: options.maxReceiveCount } : {}),
      });
    return processPartialResponse(event, record, processor, { context, throwOnFullBatchFailure: false });
  };
}
