/**
 * The console keeps copies of three server lists so its bundle need not carry the catalogs: the webhooks,
 * the inbox states and the discrepancy classes. A list that drifts from the server would hide a filter
 * choice or a chart colour; this keeps them equal.
 */
import { describe, expect, it } from 'vitest';
import { DISCREPANCY_CLASSES as consoleClasses, INBOX_STATES as consoleStates, WEBHOOKS } from '../../console/src/types.js';
import { type ContractReportFigures, contractFigures } from '../../shared/console/overview.js';
import { buildReport, driftCount } from '../../shared/contract/report.js';
import type { ContractReport, OperationResult } from '../../shared/contract/types.js';
import { INBOX_STATES } from '../../shared/store/inbox.js';
import { DISCREPANCY_CLASSES } from '../../shared/store/reconciliation.js';
import { webhooks } from '../../shared/webhooks/catalog.js';

describe('the console lists equal the server lists', () => {
  it('webhooks', () => {
    expect([...WEBHOOKS].sort()).toEqual(webhooks.map((w) => w.name).sort());
  });
  it('inbox states', () => {
    expect([...consoleStates]).toEqual([...INBOX_STATES]);
  });
  it('discrepancy classes', () => {
    expect([...consoleClasses]).toEqual([...DISCREPANCY_CLASSES]);
  });
});

describe("the overview's contract drift is the canary report's", () => {
  it('reads the drifting operations and every finding, webhook payloads included', () => {
    const drift = (operationId: string): OperationResult => ({
      operationId,
      status: 'drift',
      drifts: [
        { kind: 'field-missing', detail: 'GET /v1/x: $.status missing' },
        { kind: 'enum-value', detail: 'GET /v1/x: $.status "NEW"' },
      ],
    });
    const report: ContractReport = buildReport({
      baseUrl: 'http://127.0.0.1:1',
      startedAt: '2026-12-02T00:00:00Z',
      finishedAt: '2026-12-02T00:00:01Z',
      mode: 'read-only',
      operations: [drift('getUserBalances'), { operationId: 'getCard', status: 'confirmed', drifts: [] }],
      tallies: [],
      untestedAssumptions: [],
      suggestedOverrides: {},
      webhooks: [{ webhook: 'exchange', status: 'drift', events: 1, drifts: [{ kind: 'enum-value', detail: 'status "NEW"' }] }],
    });
    const seenByOverview: ContractReportFigures = report;
    expect(contractFigures(seenByOverview)).toEqual({ checkedAt: '2026-12-02T00:00:01Z', driftedOperations: 1, findings: driftCount(report) });
    expect(driftCount(report)).toBe(3);
  });
});
