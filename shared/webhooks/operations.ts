import { messageQueue } from '../events/index.js';
import type { OperationImpl } from '../http/operation-impl.js';
import { HttpProblem } from '../http/problem.js';
import { restView } from '../classification/rules.js';
import { logger } from '../log/logger.js';
import { recordOperatorAction } from '../store/exceptions.js';
import { DEDUP_WINDOW_MS, getInboxEvent, InboxCursorError, listInboxEvents, markInboxReplayed, type InboxEvent, type InboxState } from '../store/inbox.js';
import { deadLetterAdvice } from './dead-letters.js';
import type { WebhookQueueMessage } from './receiver.js';

/** Implementations of the operator routes of shared/catalog/inbox.ts. */

/**
 * What an operator sees of an inbox event: the classification's masked view (issue 12). The stored payload
 * is already masked by the receiver; masking again covers items stored before it did, and free text.
 */
export function inboxEventOperatorView(e: InboxEvent): Record<string, unknown> {
  return restView(rawView(e)) as Record<string, unknown>;
}

function rawView(e: InboxEvent): Record<string, unknown> {
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(e.payload) as Record<string, unknown>;
  } catch {
    payload = {};
  }
  return {
    eventId: e.eventId,
    webhook: e.webhook,
    ...(e.entityId !== undefined ? { entityId: e.entityId } : {}),
    ...(e.status !== undefined ? { status: e.status } : {}),
    ...(e.externalUserId !== undefined ? { externalUserId: e.externalUserId } : {}),
    state: e.state,
    receivedAt: e.receivedAt,
    deliveries: e.deliveries,
    envelope: e.envelope,
    ...(e.eventType !== undefined ? { eventType: e.eventType } : {}),
    hasSealedFields: e.sealed !== undefined,
    ...(e.outcome ? { outcome: e.outcome } : {}),
    ...(e.published !== undefined ? { published: e.published } : {}),
    ...(e.processedAt ? { processedAt: e.processedAt } : {}),
    ...(e.deadReason ? { deadReason: e.deadReason } : {}),
    // unknown-status | unknown-user | oversized-id: kept for the operator, never applied (ASSUMPTIONS.md E11).
    ...(e.flag ? { flag: e.flag } : {}),
    ...(e.state === 'DEAD' ? { advice: deadLetterAdvice(e) } : {}),
    ...(e.replays !== undefined ? { replays: e.replays } : {}),
    ...(e.replayedAt ? { replayedAt: e.replayedAt } : {}),
    ...(e.occurrence !== undefined ? { occurrence: e.occurrence } : {}),
    ...(e.previousOccurrence ? { previousOccurrence: e.previousOccurrence } : {}),
    payload,
  };
}

async function enqueue(events: readonly Pick<InboxEvent, 'eventId' | 'webhook'>[]): Promise<void> {
  if (!events.length) return;
  await messageQueue().send(
    'webhook',
    events.map((e) => {
      const message: WebhookQueueMessage = { eventId: e.eventId, webhook: e.webhook };
      return { id: e.eventId, body: JSON.stringify(message) };
    }),
  );
}

export const listInboxEventsImpl: OperationImpl = async (input) => {
  const q = input.query as { status?: InboxState; webhook?: string; entityId?: string; limit?: number; cursor?: string };
  try {
    const page = await listInboxEvents({
      ...(q.status ? { state: q.status } : {}),
      ...(q.webhook ? { webhook: q.webhook } : {}),
      ...(q.entityId ? { entityId: q.entityId } : {}),
      limit: q.limit ?? 50,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { body: { items: page.items.map(inboxEventOperatorView), ...(page.cursor ? { cursor: page.cursor } : {}) } };
  } catch (e) {
    if (e instanceof InboxCursorError)
      throw new HttpProblem(400, 'validation', 'Request validation failed', e.message, { errors: [{ in: 'query', field: 'cursor', message: e.message }] });
    throw e;
  }
};

/** The operators' audit trail of a replay: under the event, its entity and its user (their timelines show it). */
async function recordReplay(e: InboxEvent, operator: string, at: string, bulk: boolean): Promise<void> {
  await recordOperatorAction([`EVENT#${e.eventId}`, e.entityId ?? '', e.externalUserId ?? ''], {
    at,
    actor: operator,
    action: 'replay',
    summary: `${bulk ? 'bulk ' : ''}replay of ${e.webhook}${e.status ? ` ${e.status}` : ''} (was ${e.state})`,
    ref: { eventId: e.eventId },
  });
}

export const replayInboxEventImpl: OperationImpl = async (input, ctx) => {
  const { eventId } = input.params as { eventId: string };
  const event = await getInboxEvent(eventId);
  if (!event) throw new HttpProblem(404, 'not-found', 'Inbox event not found', `no inbox event ${eventId}`);
  // A processed event stays PROCESSED: the processor skips it, so the replay changes nothing.
  const at = new Date().toISOString();
  await markInboxReplayed(eventId, at);
  await recordReplay(event, ctx.operator, at, false);
  await enqueue([event]);
  const state = event.state === 'PROCESSED' ? 'PROCESSED' : 'ENQUEUED';
  logger.info('inbox event replayed', { eventId, webhook: event.webhook, previousState: event.state });
  return { status: 202, body: { eventId, state, enqueued: true } };
};

/**
 * Replays the dead letters from the inbox rather than from the DLQ itself: every DLQ message has a DEAD
 * inbox item (the processor parks it on the last receive), and the inbox holds the whole event, so this
 * needs no access to the DLQ and works the same locally. Events stored but never enqueued (the receiver
 * answered 500 and P100 gave up) are picked up too once older than the dedup window.
 */
export const replayDeadInboxEventsImpl: OperationImpl = async (input, ctx) => {
  const body = (input.body ?? {}) as { limit?: number; webhook?: string };
  const limit = body.limit ?? 50;
  const dead = await listInboxEvents({ state: 'DEAD', limit, ...(body.webhook ? { webhook: body.webhook } : {}) });
  let picked = dead.items;
  let more = dead.cursor !== undefined;
  if (picked.length < limit) {
    const received = await listInboxEvents({ state: 'RECEIVED', limit: limit - picked.length, ...(body.webhook ? { webhook: body.webhook } : {}) });
    const cutoff = Date.now() - DEDUP_WINDOW_MS;
    picked = [...picked, ...received.items.filter((e) => Date.parse(e.receivedAt) < cutoff)];
    more = more || received.cursor !== undefined;
  }
  const at = new Date().toISOString();
  for (const e of picked) {
    await markInboxReplayed(e.eventId, at);
    await recordReplay(e, ctx.operator, at, true);
  }
  await enqueue(picked);
  logger.info('dead letters replayed', { count: picked.length });
  return { status: 202, body: { replayed: picked.length, eventIds: picked.map((e) => e.eventId), more } };
};
