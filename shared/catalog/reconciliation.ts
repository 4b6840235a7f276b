import * as z from 'zod';
import { defineOperation } from './types.js';

/**
 * Reconciliation (ARCHITECTURE.md "Ledger and reconciliation"): served by the suite itself, no P100 call
 * of its own (the run calls P100; see shared/reconcile/).
 */

/** A run id (`20260124T101500Z-1a2b3c4d`) or `latest`: one route, since API Gateway rejects
 * `/reports/latest` beside `/reports/{runId}` as ambiguous. */
const runIdParam = z
  .object({
    runId: z
      .string()
      .regex(/^(latest|\d{8}T\d{6}Z-[0-9a-f]{8})$/, 'a run id or "latest"')
      .describe('A run id (`20260124T101500Z-1a2b3c4d`, as startReconciliation returns it) or `latest`.'),
  })
  .strict();

const discrepancy = z.looseObject({
  class: z.string(),
  type: z.string(),
  id: z.string(),
  ours: z.record(z.string(), z.unknown()).nullable(),
  theirs: z.record(z.string(), z.unknown()).nullable(),
  repaired: z.boolean(),
  account: z.string().optional(),
  note: z.string().optional(),
  at: z.string(),
});

export const reconciliationReport = z.looseObject({
  runId: z.string(),
  status: z.enum(['RUNNING', 'FINALIZING', 'COMPLETED', 'FAILED']),
  phase: z.string(),
  trigger: z.string(),
  requestedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional().describe('Why the run FAILED (`stalled: ...`: the liveness watch gave up on it).'),
  window: z.looseObject({ from: z.string().optional(), to: z.string() }),
  counts: z.record(z.string(), z.number()),
  discrepancyCount: z.number(),
  discrepancies: z.array(discrepancy),
  nextCursor: z.string().optional(),
});

export const getReconciliationReport = defineOperation({
  operationId: 'getReconciliationReport',
  area: 'operations',
  summary: 'The report of a reconciliation run (or `latest`): counts per class and every discrepancy, paged.',
  route: { method: 'GET', path: '/operations/reconciliation/reports/{runId}' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: {
    params: runIdParam,
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(5_000).optional().describe('Discrepancies per page (1 to 5000).'),
        cursor: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,2000}$/, 'a nextCursor of this report')
          .optional()
          .describe('The `nextCursor` of the previous page of this report.'),
      })
      .strict(),
  },
  response: reconciliationReport,
  redact: [],
  resources: { data: ['getReconciliationReport'] },
  impl: 'reconcile/operations.ts#getReconciliationReportImpl',
});

export const startReconciliation = defineOperation({
  operationId: 'startReconciliation',
  area: 'operations',
  summary: 'Start a reconciliation run now (or get the one in progress); 202 with its runId.',
  route: { method: 'POST', path: '/operations/reconciliation/runs' },
  upstream: null,
  kind: 'write',
  confidence: 'local',
  request: {},
  response: z.looseObject({ runId: z.string(), status: z.string(), phase: z.string(), alreadyRunning: z.boolean(), report: z.string() }),
  successStatus: 202,
  redact: [],
  // Writes the run into the ledger table, then invokes the reconcile function.
  resources: { data: ['startReconciliation'], invokeReconcile: true },
  impl: 'reconcile/operations.ts#startReconciliationImpl',
  links: [
    {
      name: 'GetReconciliationReport',
      operationId: 'getReconciliationReport',
      parameters: { runId: '$response.body#/runId' },
      description: 'The report of this run.',
    },
  ],
});
