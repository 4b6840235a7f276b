import {
  DRIFT_KINDS,
  type AssumptionResult,
  type CheckStatus,
  type ContractReport,
  type DriftKind,
  type OperationResult,
  type SuggestedOverrides,
  type WebhookCheck,
} from './types.js';

export interface ReportInput {
  baseUrl: string;
  startedAt: string;
  finishedAt: string;
  mode: ContractReport['mode'];
  operations: OperationResult[];
  /** Per called operation: the assumption ids it bore on, those its checks confirmed and those they contradicted. */
  tallies: { operationId: string; assumptions: string[]; drifted: string[]; confirmed: string[] }[];
  /** Assumption ids of operations never called. */
  untestedAssumptions: { id: string; operationId: string }[];
  suggestedOverrides: SuggestedOverrides;
  webhooks?: WebhookCheck[];
  leftBehind?: string[];
}

/**
 * The report from the run's tallies: one row per assumption id, `drift` when any check bearing on it drifted,
 * `confirmed` when one confirmed it and none drifted, `untested` otherwise; the summary counts.
 */
export function buildReport(i: ReportInput): ContractReport {
  const rows = new Map<string, { drift: string[]; confirmed: string[]; untested: string[] }>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) {
      r = { drift: [], confirmed: [], untested: [] };
      rows.set(id, r);
    }
    return r;
  };
  for (const t of i.tallies) {
    for (const id of new Set([...t.assumptions, ...t.drifted, ...t.confirmed])) {
      if (t.drifted.includes(id)) row(id).drift.push(t.operationId);
      else if (t.confirmed.includes(id)) row(id).confirmed.push(t.operationId);
      else row(id).untested.push(t.operationId);
    }
  }
  for (const u of i.untestedAssumptions) row(u.id).untested.push(u.operationId);
  for (const w of i.webhooks ?? []) {
    const r = row('E (webhook payloads)');
    (w.status === 'drift' ? r.drift : w.status === 'confirmed' ? r.confirmed : r.untested).push(`webhook ${w.webhook}`);
  }
  const assumptions: AssumptionResult[] = [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([id, r]) => ({
      id,
      status: r.drift.length ? 'drift' : r.confirmed.length ? 'confirmed' : 'untested',
      evidence: [...r.drift.map((o) => `${o}: drift`), ...r.confirmed.map((o) => `${o}: confirmed`), ...r.untested.map((o) => `${o}: untested`)],
    }));
  const ops: Record<CheckStatus, number> = { confirmed: 0, drift: 0, untested: 0 };
  for (const o of i.operations) ops[o.status]++;
  const drifts = Object.fromEntries(DRIFT_KINDS.map((k) => [k, 0])) as Record<DriftKind, number>;
  for (const o of i.operations) for (const d of o.drifts) drifts[d.kind]++;
  let webhookDrifts = 0;
  for (const w of i.webhooks ?? [])
    for (const d of w.drifts) {
      drifts[d.kind]++;
      webhookDrifts++;
    }
  return {
    baseUrl: i.baseUrl,
    startedAt: i.startedAt,
    finishedAt: i.finishedAt,
    mode: i.mode,
    operations: i.operations,
    assumptions,
    suggestedOverrides: i.suggestedOverrides,
    ...(i.webhooks ? { webhooks: i.webhooks } : {}),
    ...(i.leftBehind ? { leftBehind: i.leftBehind } : {}),
    summary: { operations: ops, drifts, webhookDrifts },
  };
}

/** Total drifts of a report (operations and webhooks): the `ContractDrift` metric and the exit code read this. */
export function driftCount(r: Pick<ContractReport, 'summary'>): number {
  return Object.values(r.summary.drifts).reduce((a, b) => a + b, 0);
}

/** Exit code of `npm run verify-p100`: 0 nothing drifted, 1 something did (2, could not start, is the CLI's). */
export function exitCodeOf(r: Pick<ContractReport, 'summary'>): 0 | 1 {
  return driftCount(r) > 0 ? 1 : 0;
}
