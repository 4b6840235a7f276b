import * as z from 'zod';
import { defineOperation } from './types.js';

/**
 * Contract verification (issue 16): served by the suite itself; the scheduled canary
 * (functions/jobs/contract-canary.ts) writes the report this route reads (shared/contract/).
 */

const status = z.enum(['confirmed', 'drift', 'untested']);
const drift = z.looseObject({
  kind: z.enum(['path', 'status', 'error-code', 'field-missing', 'field-unknown', 'field-type', 'enum-value']),
  detail: z.string(),
  field: z.string().optional(),
  evidence: z.string().optional(),
});

export const contractReport = z
  .looseObject({
    baseUrl: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    mode: z.enum(['read-only', 'writes']),
    operations: z.array(
      z.looseObject({
        operationId: z.string(),
        status,
        drifts: z.array(drift),
        reason: z.string().optional(),
        requests: z.array(z.string()).optional(),
        assumptions: z.array(z.string()).optional(),
      }),
    ),
    assumptions: z.array(z.looseObject({ id: z.string(), status, evidence: z.array(z.string()) })),
    suggestedOverrides: z.record(z.string(), z.looseObject({ method: z.string(), path: z.string() })),
    webhooks: z.array(z.looseObject({ webhook: z.string(), events: z.number().int(), status, drifts: z.array(drift) })).optional(),
    leftBehind: z.array(z.string()).optional(),
    summary: z.looseObject({
      operations: z.record(z.string(), z.number().int()),
      drifts: z.record(z.string(), z.number().int()),
      webhookDrifts: z.number().int(),
    }),
  })
  .meta({
    id: 'ContractReport',
    description:
      'What the contract check found: per operation and per ASSUMPTIONS id confirmed, drift (with evidence) or untested; proposed P100_UPSTREAM_OVERRIDES; webhook payloads seen in the inbox.',
  });

export const getContractReport = defineOperation({
  operationId: 'getContractReport',
  area: 'operations',
  summary: "The contract canary's latest report: P100's answers checked against the catalog and ASSUMPTIONS.md (hourly by default).",
  route: { method: 'GET', path: '/operations/contract/reports/latest' },
  upstream: null,
  kind: 'read',
  confidence: 'local',
  request: {},
  response: contractReport,
  redact: [],
  resources: { data: ['getContractReport'] },
  impl: 'contract/canary.ts#getContractReportImpl',
});
