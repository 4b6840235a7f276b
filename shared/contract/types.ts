import type { HttpMethod } from '../catalog/types.js';

/**
 * The contract report (issue 16): what `npm run verify-p100` and the scheduled canary find when they hold
 * P100's answers against the catalog and shared/p100/ASSUMPTIONS.md. A person reads its Markdown rendering
 * (./markdown.ts), a program reads the JSON.
 */

/** How an answer can differ from what the catalog and ASSUMPTIONS expect. */
export type DriftKind = 'path' | 'status' | 'error-code' | 'field-missing' | 'field-unknown' | 'field-type' | 'enum-value';

export const DRIFT_KINDS: readonly DriftKind[] = ['path', 'status', 'error-code', 'field-missing', 'field-unknown', 'field-type', 'enum-value'];

export interface Drift {
  kind: DriftKind;
  /** One line a person can act on; values in it went through the data classification's rest view. */
  detail: string;
  /** The JSON path of the field (`fiatBalances[].amount`), for field and enum drifts. */
  field?: string;
  /** The request line and HTTP status that showed it (`GET /v1/partner/balances -> 200`). */
  evidence?: string;
}

/** `confirmed`: every check passed; `drift`: at least one did not; `untested`: not called (see `reason`). */
export type CheckStatus = 'confirmed' | 'drift' | 'untested';

export interface OperationResult {
  operationId: string;
  status: CheckStatus;
  drifts: Drift[];
  /** Why the operation was not called, or what it was called for (`read`, `error probe P412`). */
  reason?: string;
  /** The request lines sent (redacted), in order. */
  requests?: string[];
  /** The assumption ids this operation's answers bore on. */
  assumptions?: string[];
}

export interface AssumptionResult {
  id: string;
  status: CheckStatus;
  /** The operations whose answers bore on it, with their status (`getPartnerBalances: confirmed`). */
  evidence: string[];
}

/** What the passive check of the inbox saw for one webhook. */
export interface WebhookCheck {
  webhook: string;
  events: number;
  status: CheckStatus;
  drifts: Drift[];
}

/** `P100_UPSTREAM_OVERRIDES` entries that would fix a moved path (the value the run proposes to set). */
export type SuggestedOverrides = Record<string, { method: HttpMethod; path: string }>;

export interface ContractReport {
  baseUrl: string;
  startedAt: string;
  finishedAt?: string;
  /** `read-only` (the default and the canary), `writes` (`--writes`, never against production). */
  mode: 'read-only' | 'writes';
  operations: OperationResult[];
  assumptions: AssumptionResult[];
  suggestedOverrides: SuggestedOverrides;
  webhooks?: WebhookCheck[];
  /** What a `--writes` run created or left at P100 (the test user, ids of operations it started). */
  leftBehind?: string[];
  /** Counts per status over operations, and the number of drifts per kind. */
  summary: { operations: Record<CheckStatus, number>; drifts: Record<DriftKind, number>; webhookDrifts: number };
}
