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

/** A page position the API gave (an offset, base64url): lists that are assembled, not read by key, page by offset. */
const offsetCursor = z.string().regex(/^[A-Za-z0-9_-]{1,12}$/, 'a cursor this API gave');

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
    contract: z
      .looseObject({
        available: z.boolean().describe('false on a stage where the contract canary never ran (or is off): not an error.'),
        checkedAt: z.string().optional(),
        driftedOperations: z.number().int().optional(),
        findings: z.number().int().optional().describe('Drift findings, operations and webhook payloads together.'),
      })
      .describe("The contract canary's last report in figures (GET /operations/contract/reports/latest has it whole)."),
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
  kind: z
    .enum(['request', 'ledger', 'user', 'webhook', 'repair', 'discrepancy', 'published', 'operator'])
    .describe('`repair`: reconciliation repaired it; `discrepancy`: found, not repaired; `operator`: an operator action (who in `detail.actor`).'),
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
          .enum(['user', 'operation', 'idempotency-key', 'operator'])
          .describe("What `id` is: an externalUserId, P100's id of an operation, an Idempotency-Key, or an operator (their actions)."),
        id: z
          .string()
          .min(1)
          .max(160)
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/,
            'an externalUserId, an operation id or an Idempotency-Key: letters, digits and . _ : @ -, starting with a letter or digit',
          )
          .describe(
            'The externalUserId, the operation id (exchangeId, transferId, ..., or `unknown:<Idempotency-Key>`), the Idempotency-Key, or the operator name.',
          ),
      })
      .strict(),
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(500).optional().describe('Entries per page (1 to 500, default 100).'),
        cursor: offsetCursor.optional().describe('`nextCursor` or `prevCursor` of the previous answer.'),
      })
      .strict(),
  },
  response: z.looseObject({
    subject: z.looseObject({ kind: z.enum(['user', 'operation', 'idempotency-key', 'operator']), id: z.string() }),
    entries: z.array(timelineEntry).describe('One page, oldest first.'),
    total: z.number().int().describe('Entries in the whole timeline (every page).'),
    offset: z.number().int().describe('Position of the first entry of this page in the whole timeline.'),
    nextCursor: offsetCursor.optional().describe('The next (later) page, when there is one.'),
    prevCursor: offsetCursor.optional().describe('The previous (earlier) page, when there is one.'),
    truncated: z.boolean().describe('A bounded read stopped early (ASSUMPTIONS.md O3): older entries may be missing.'),
  }),
  redact: [],
  resources: { data: ['getTimeline'] },
  impl: 'console/timeline.ts#getTimelineImpl',
});

// --- the exception queue (issue 26) -------------------------------------------------------------------------------

const EXCEPTION_STATES = ['open', 'acknowledged', 'resolved', 'fixed-at-p100'] as const;
const exceptionId = z
  .string()
  .min(5)
  .max(220)
  .regex(/^[a-z-]+:[A-Z_]+:[A-Za-z0-9][A-Za-z0-9_.:@-]*$/, 'an exceptionId: <class>:<type>:<id>')
  .describe('`<class>:<type>:<id>`: the discrepancy class, the operation type (or USER) and the operation id or externalUserId.');

/** One field's value on one side: what a ledger entry or a P100 history entry holds. */
const fieldValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.record(z.string(), z.unknown()),
  z.array(z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())])),
]);

const auditEntry = z.looseObject({
  at: z.string(),
  actor: z.string().describe('The Cognito user, the IAM principal, the local name, or `reconciliation`.'),
  action: z.enum(['replay', 'acknowledge', 'resolve', 'reopen', 'assign', 'note', 'start-run', 'fixed-at-p100', 'seen-again']),
  summary: z.string(),
  note: z.string().optional(),
  ref: z.record(z.string(), z.string()).optional(),
});

const exceptionView = z.looseObject({
  exceptionId,
  class: z.string(),
  type: z.string().describe('Operation type (EXCHANGE, ...) or USER.'),
  id: z.string().describe("P100's id of the operation (or ours), or the externalUserId."),
  externalUserId: z.string().optional(),
  state: z.enum(EXCEPTION_STATES).describe('open → acknowledged → resolved; fixed-at-p100 when a later run no longer found it.'),
  firstSeen: z.string(),
  lastSeen: z.string(),
  count: z.number().int().describe('Reconciliation runs that reported it.'),
  firstRunId: z.string(),
  lastRunId: z.string(),
  ours: z.record(z.string(), z.unknown()).nullable(),
  theirs: z.record(z.string(), z.unknown()).nullable(),
  diff: z
    .array(
      z.looseObject({
        field: z.string(),
        ours: fieldValue,
        theirs: fieldValue,
        differs: z.boolean(),
        compared: z.boolean().describe('false for bookkeeping each side stamps for itself (createdAt, historyEntryId): expected to differ.'),
      }),
    )
    .describe('Ours and P100 field by field: differing compared fields first, bookkeeping last (null: the side has no such field).'),
  note: z.string().optional(),
  owner: z.string().optional(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  version: z.number().int(),
});

const exceptionDetail = exceptionView.extend({ audit: z.array(auditEntry).describe('Who did what, oldest first.') });

export const listExceptions = defineOperation({
  operationId: 'listExceptions',
  area: 'operations',
  summary: 'The exception queue: discrepancies reconciliation could not repair, one per class and operation or user across runs, newest last-seen first.',
  route: { method: 'GET', path: '/operations/exceptions' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: {
    query: z
      .object({
        state: z
          .enum([...EXCEPTION_STATES, 'active'])
          .optional()
          .describe('Only this state; `active` is open or acknowledged.'),
        class: z
          .string()
          .regex(/^[a-z-]{1,40}$/, 'a discrepancy class')
          .optional()
          .describe('Only this discrepancy class (amount-mismatch, missing-here, ...).'),
        subject: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,159}$/, 'an operation id or externalUserId')
          .optional()
          .describe('Only exceptions about this operation or user.'),
        owner: z.string().min(1).max(128).optional().describe('Only exceptions this operator owns.'),
        limit: z.coerce.number().int().min(1).max(100).optional().describe('Per page (1 to 100, default 25).'),
        cursor: offsetCursor.optional().describe('`nextCursor` or `prevCursor` of the previous answer.'),
      })
      .strict(),
  },
  response: z.looseObject({
    asOf: z.string(),
    items: z.array(exceptionView),
    total: z.number().int().describe('Exceptions matching the filters.'),
    totalIsLowerBound: z.boolean().describe('The list read stopped at its bound: there are more than `total`.'),
    byState: z.record(z.string(), z.number()),
    nextCursor: offsetCursor.optional(),
    prevCursor: offsetCursor.optional(),
  }),
  redact: [],
  resources: { data: ['listExceptions'] },
  impl: 'console/exceptions.ts#listExceptionsImpl',
});

export const getException = defineOperation({
  operationId: 'getException',
  area: 'operations',
  summary: "One exception: ours and P100's values field by field, the user and operation, and its audit trail.",
  route: { method: 'GET', path: '/operations/exceptions/{exceptionId}' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: { params: z.object({ exceptionId }).strict() },
  response: exceptionDetail,
  redact: [],
  resources: { data: ['getException'] },
  impl: 'console/exceptions.ts#getExceptionImpl',
});

export const changeException = defineOperation({
  operationId: 'changeException',
  area: 'operations',
  summary:
    'An operator changes an exception: acknowledge (takes ownership), resolve, reopen, assign or note, each with a note, recorded with who and when. Never writes money to the ledger.',
  route: { method: 'POST', path: '/operations/exceptions/{exceptionId}/actions' },
  upstream: null,
  kind: 'write',
  confidence: 'local',
  request: {
    params: z.object({ exceptionId }).strict(),
    body: z
      .object({
        action: z.enum(['acknowledge', 'resolve', 'reopen', 'assign', 'note']),
        note: z.string().trim().min(3).max(1000).describe('Why: kept in the audit trail (masked like any free text).'),
        owner: z.string().min(1).max(128).optional().describe('assign: the new owner (required); acknowledge: defaults to the caller.'),
        version: z.number().int().min(1).optional().describe('The version read: the change is refused (409) if the exception changed since.'),
      })
      .strict(),
  },
  response: exceptionDetail,
  redact: [],
  resources: { data: ['changeException'] },
  impl: 'console/exceptions.ts#changeExceptionImpl',
});
