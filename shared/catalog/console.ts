import * as z from 'zod';
import { inboxEventId, inboxEventView } from './inbox.js';
import { defineOperation } from './types.js';

/**
 * The operator console's own reads (issue 18): what the screens need beyond the inbox and reconciliation
 * routes (shared/catalog/inbox.ts, reconciliation.ts). Served by the suite itself, no upstream call.
 * Implementations: shared/console/. Every answer passes the classification's masked view (restView), so
 * personal data reaches the browser masked and secrets never do.
 */

const counts = z.record(z.string(), z.number());

/** One reconciliation run as a list row: its figures, no discrepancies (those are the report's). */
const runSummary = z.looseObject({
  runId: z.string(),
  status: z.string(),
  phase: z.string(),
  trigger: z.string(),
  requestedAt: z.string(),
  finishedAt: z.string().optional(),
  counts: counts.optional().describe('Per discrepancy class plus `matched`, `entries`, ...: absent while the run has not finished.'),
  discrepancyCount: z.number().optional(),
});

export const listReconciliationRuns = defineOperation({
  operationId: 'listReconciliationRuns',
  area: 'operations',
  summary: 'The most recent reconciliation runs, newest first, with their counts per discrepancy class (the console chart).',
  route: { method: 'GET', path: '/operations/reconciliation/runs' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: {
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(100).optional().describe('Runs per page (1 to 100, default 20).'),
        before: z
          .string()
          .regex(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/, 'a run id')
          .optional()
          .describe('Only runs older than this run id (the last runId of the previous page).'),
      })
      .strict(),
  },
  response: z.looseObject({ items: z.array(runSummary), more: z.boolean() }),
  redact: [],
  resources: { data: ['listReconciliationRuns'] },
  impl: 'console/runs.ts#listReconciliationRunsImpl',
});

export const getOperationsOverview = defineOperation({
  operationId: 'getOperationsOverview',
  area: 'operations',
  summary: 'What the person on call looks at first: the last finished reconciliation run and the webhook intake of the last 24 hours.',
  route: { method: 'GET', path: '/operations/overview' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: {},
  response: z.looseObject({
    generatedAt: z.string(),
    lastRun: z
      .looseObject({
        runId: z.string(),
        status: z.string(),
        finishedAt: z.string().optional(),
        error: z.string().optional().describe('Why the run FAILED (`stalled: ...` from the liveness watch).'),
        matched: z.number(),
        repaired: z.number(),
        discrepancyCount: z.number(),
        byClass: counts,
      })
      .nullable()
      .describe('null until a run has finished. The newest run when it FAILED (stalled), else the last finished one.'),
    intake: z.looseObject({
      since: z.string(),
      received: z.number().describe('Events stored since `since`, in any state.'),
      processed: z.number(),
      dead: z.number(),
      pending: z.number().describe('RECEIVED or ENQUEUED: not processed yet.'),
    }),
  }),
  redact: [],
  resources: { data: ['getOperationsOverview'] },
  impl: 'console/overview.ts#getOperationsOverviewImpl',
});

export const getInboxEvent = defineOperation({
  operationId: 'getInboxEvent',
  area: 'operations',
  summary: 'One webhook inbox event: its deliveries, the processor outcome, replays and the (masked) payload.',
  route: { method: 'GET', path: '/operations/inbox-events/{eventId}' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: { params: z.object({ eventId: inboxEventId }).strict() },
  response: inboxEventView,
  redact: [],
  resources: { data: ['getInboxEvent'] },
  impl: 'console/inbox-event.ts#getInboxEventImpl',
});

const timelineEntry = z.looseObject({
  at: z.string(),
  kind: z.enum(['request', 'ledger', 'user', 'webhook', 'repair', 'published']),
  title: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
  ref: z.record(z.string(), z.string()).optional().describe('What the entry links to: eventId, runId, operation (`TYPE:id`), operationId.'),
});

export const getTimeline = defineOperation({
  operationId: 'getTimeline',
  area: 'operations',
  summary:
    'Everything the suite knows about a user, an operation or an Idempotency-Key, in time order: requests, ledger states, webhook deliveries, reconciliation repairs and the events published.',
  route: { method: 'GET', path: '/operations/timeline/{subject}/{id}' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: {
    params: z
      .object({
        subject: z
          .enum(['user', 'operation', 'idempotency-key'])
          .describe("What `id` is: an externalUserId, P100's id of an operation, or an Idempotency-Key."),
        id: z
          .string()
          .min(1)
          .max(160)
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/,
            'an externalUserId, an operation id or an Idempotency-Key: letters, digits and . _ : @ -, starting with a letter or digit',
          )
          .describe('The externalUserId, the operation id (exchangeId, transferId, ..., or `unknown:<Idempotency-Key>`) or the Idempotency-Key.'),
      })
      .strict(),
  },
  response: z.looseObject({
    subject: z.looseObject({ kind: z.enum(['user', 'operation', 'idempotency-key']), id: z.string() }),
    entries: z.array(timelineEntry),
    truncated: z.boolean().describe('A bounded read stopped early (ASSUMPTIONS.md O3): older entries may be missing.'),
  }),
  redact: [],
  resources: { data: ['getTimeline'] },
  impl: 'console/timeline.ts#getTimelineImpl',
});
