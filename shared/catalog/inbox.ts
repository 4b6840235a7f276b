import * as z from 'zod';
import { INBOX_STATES } from '../store/inbox.js';
import { webhooks } from '../webhooks/catalog.js';
import { defineOperation } from './types.js';

/**
 * Operator routes over the webhook inbox (ARCHITECTURE.md "Webhooks" 6). Served by the suite itself:
 * no upstream call. Implementations: shared/webhooks/operations.ts.
 */

const webhookNames = webhooks.map((w) => w.name) as [string, ...string[]];
export const inboxEventId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'an inbox eventId (64 hex characters)')
  .describe('An inbox eventId (64 lower-case hex characters), as listInboxEvents shows it.');

const inboxOutcome = z.looseObject({ applied: z.boolean(), reason: z.string().optional(), previousStatus: z.string().optional(), at: z.string() });

/** An inbox event as the operator sees it: secret fields stay sealed and are never shown. */
export const inboxEventView = z.looseObject({
  eventId: inboxEventId,
  webhook: z.string(),
  entityId: z.string().optional(),
  status: z.string().optional(),
  externalUserId: z.string().optional(),
  state: z.enum(INBOX_STATES as unknown as [string, ...string[]]),
  receivedAt: z.string(),
  deliveries: z.number().int(),
  envelope: z.enum(['flat', 'wrapped']),
  eventType: z.string().optional(),
  hasSealedFields: z.boolean(),
  outcome: inboxOutcome.optional(),
  published: z.boolean().optional(),
  processedAt: z.string().optional(),
  deadReason: z.string().optional(),
  replays: z.number().int().optional(),
  replayedAt: z.string().optional(),
  occurrence: z.number().int().optional().describe('0 for the first time a body was seen, then 1, 2, ... (ASSUMPTIONS E9).'),
  previousOccurrence: z.string().optional().describe('The eventId of the earlier occurrence of the same body.'),
  flag: z
    .enum(['unknown-status', 'unknown-user', 'oversized-id'])
    .optional()
    .describe('Why the operator should look at this event although it was stored: parked, not applied (ASSUMPTIONS E11).'),
  advice: z
    .looseObject({
      replay: z.enum(['helps', 'after-fix', 'cannot-help']),
      todo: z.string(),
      runbook: z.string().describe('Anchor of the runbook entry (docs/runbook.md#<anchor>).'),
    })
    .optional()
    .describe('DEAD events only: whether a replay can put it through, what to do first, and the runbook entry (issue 26).'),
  payload: z.record(z.string(), z.unknown()),
});

export const listInboxEvents = defineOperation({
  operationId: 'listInboxEvents',
  area: 'operations',
  summary: 'One page of webhook inbox events, newest first; filter by state and webhook (DEAD = needs the operator).',
  route: { method: 'GET', path: '/operations/inbox' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: {
    query: z
      .object({
        status: z
          .enum(INBOX_STATES as unknown as [string, ...string[]])
          .optional()
          .describe('Only events in this inbox state (DEAD: needs the operator).'),
        webhook: z.enum(webhookNames).optional().describe('Only events of this webhook.'),
        entityId: z
          .string()
          .min(1)
          .max(160)
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/, 'an entity id or externalUserId')
          .optional()
          .describe('Only events about this entity (its id, or the externalUserId it concerns).'),
        limit: z.coerce.number().int().min(1).max(100).optional().describe('Events per page (1 to 100).'),
        cursor: z
          .string()
          .min(1)
          .max(2048)
          .regex(/^[A-Za-z0-9_-]+$/, 'a cursor returned by this route')
          .optional()
          .describe('The `cursor` of the previous page.'),
      })
      .strict(),
  },
  response: z.looseObject({ items: z.array(inboxEventView), cursor: z.string().optional() }),
  redact: [],
  // Operator route over the webhook inbox. No ledger: the processor owns it.
  resources: { data: ['listInboxEvents'] },
  impl: 'webhooks/operations.ts#listInboxEventsImpl',
});

export const replayInboxEvent = defineOperation({
  operationId: 'replayInboxEvent',
  area: 'operations',
  summary: 'Put one stored webhook event back on the processing queue. Idempotent: a processed event stays as it is.',
  route: { method: 'POST', path: '/operations/inbox/{eventId}/replay' },
  upstream: null,
  kind: 'write',
  confidence: 'local',
  request: { params: z.object({ eventId: inboxEventId }).strict() },
  response: z.looseObject({ eventId: inboxEventId, state: z.string(), enqueued: z.boolean() }),
  successStatus: 202,
  redact: [],
  // A replay puts the event back on the webhook queue.
  resources: { data: ['replayInboxEvent'], sendWebhookQueue: true },
  impl: 'webhooks/operations.ts#replayInboxEventImpl',
});

export const replayDeadInboxEvents = defineOperation({
  operationId: 'replayDeadInboxEvents',
  area: 'operations',
  summary: 'Replay the dead letters: inbox events parked DEAD (their queue message went to the DLQ) and events stored but never enqueued. One page per call.',
  route: { method: 'POST', path: '/operations/inbox/replay-dlq' },
  upstream: null,
  kind: 'write',
  confidence: 'local',
  request: {
    body: z
      .object({
        limit: z.number().int().min(1).max(100).optional().describe('At most this many events (1 to 100).'),
        webhook: z.enum(webhookNames).optional().describe('Only events of this webhook.'),
      })
      .strict()
      .describe('What to replay; `{}` replays one page of every webhook.'),
  },
  response: z.looseObject({ replayed: z.number().int(), eventIds: z.array(inboxEventId), more: z.boolean() }),
  successStatus: 202,
  redact: [],
  // A replay puts the events back on the webhook queue.
  resources: { data: ['replayDeadInboxEvents'], sendWebhookQueue: true },
  impl: 'webhooks/operations.ts#replayDeadInboxEventsImpl',
});
