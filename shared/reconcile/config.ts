import { readEnv } from '../config/env.js';

/**
 * Reconciliation settings, with their safe defaults in one place. Every value can be set by environment
 * (the CDK stack sets them per stage) or passed in code (tests, the local runner).
 *
 * | setting | env | default | why |
 * |---|---|---|---|
 * | pendingAfterSeconds | RECONCILE_PENDING_AFTER_SECONDS | 300 | P100 stops retrying a webhook after ~2 min (8+16+32+64 s); past that it is lost |
 * | unknownGraceSeconds | RECONCILE_UNKNOWN_GRACE_SECONDS | 300 | an UNKNOWN write is judged "never received" only when no in-flight request can still land |
 * | unknownMatchWindowSeconds | RECONCILE_UNKNOWN_MATCH_WINDOW_SECONDS | 120 | how long after our request P100's `createdAt` may be and still be that request |
 * | clockSkewSeconds | RECONCILE_CLOCK_SKEW_SECONDS | 30 | P100's clock may be behind ours |
 * | overlapSeconds | RECONCILE_OVERLAP_SECONDS | 300 | history windows overlap so an entry stamped just after our own write time is not missed |
 * | pageSize | RECONCILE_PAGE_SIZE | 100 | A7's maximum: fewest calls |
 * | usersPerBatch | RECONCILE_USERS_PER_BATCH | 25 | one SQS message = one batch of users |
 * | userConcurrency | RECONCILE_USER_CONCURRENCY | 4 | users of a batch reconciled in parallel (P100 rate limits) |
 * | entryConcurrency | RECONCILE_ENTRY_CONCURRENCY | 8 | ledger look-ups of one page in parallel (DynamoDB only) |
 * | leaseSeconds | RECONCILE_LEASE_SECONDS | 900 | a run that has not shown progress for this long is resumed by the next trigger |
 * | checkpointPages | RECONCILE_CHECKPOINT_PAGES | 10 | history pages per checkpoint (and per "seen" item): a crash redoes at most this many page reads (issue 15, B4) |
 * | reportDiscrepancyLimit | RECONCILE_REPORT_LIMIT | 500 | discrepancies per report page (`cursor` for more) |
 * | itemBudgetSeconds | RECONCILE_ITEM_BUDGET_SECONDS | 60 | one item (an open operation, a history entry, a user's states): at most a few P100 reads of ≤ 20 s each (the client's total budget); past it the item is quarantined (ASSUMPTIONS.md S4) |
 * | pageBudgetSeconds | RECONCILE_PAGE_BUDGET_SECONDS | 120 | one page read (P100 history page or ledger page, with its ledger look-ups); past it the run stops at that page and resumes from its checkpoint (S4) |
 * | stallAfterSeconds | RECONCILE_STALL_AFTER_SECONDS | 1800 | a run whose progress (`progressAt`) stood still this long is marked FAILED and the next trigger starts a fresh run (two leases: one resume had its chance) (S5) |
 */
export interface ReconcileConfig {
  pendingAfterSeconds: number;
  unknownGraceSeconds: number;
  unknownMatchWindowSeconds: number;
  clockSkewSeconds: number;
  overlapSeconds: number;
  pageSize: number;
  usersPerBatch: number;
  userConcurrency: number;
  entryConcurrency: number;
  leaseSeconds: number;
  checkpointPages: number;
  reportDiscrepancyLimit: number;
  itemBudgetSeconds: number;
  pageBudgetSeconds: number;
  stallAfterSeconds: number;
}

export const RECONCILE_DEFAULTS: Readonly<ReconcileConfig> = {
  pendingAfterSeconds: 300,
  unknownGraceSeconds: 300,
  unknownMatchWindowSeconds: 120,
  clockSkewSeconds: 30,
  overlapSeconds: 300,
  pageSize: 100,
  usersPerBatch: 25,
  userConcurrency: 4,
  entryConcurrency: 8,
  leaseSeconds: 900,
  checkpointPages: 10,
  reportDiscrepancyLimit: 500,
  itemBudgetSeconds: 60,
  pageBudgetSeconds: 120,
  stallAfterSeconds: 1800,
};

const ENV_NAMES: Record<keyof ReconcileConfig, string> = {
  pendingAfterSeconds: 'RECONCILE_PENDING_AFTER_SECONDS',
  unknownGraceSeconds: 'RECONCILE_UNKNOWN_GRACE_SECONDS',
  unknownMatchWindowSeconds: 'RECONCILE_UNKNOWN_MATCH_WINDOW_SECONDS',
  clockSkewSeconds: 'RECONCILE_CLOCK_SKEW_SECONDS',
  overlapSeconds: 'RECONCILE_OVERLAP_SECONDS',
  pageSize: 'RECONCILE_PAGE_SIZE',
  usersPerBatch: 'RECONCILE_USERS_PER_BATCH',
  userConcurrency: 'RECONCILE_USER_CONCURRENCY',
  entryConcurrency: 'RECONCILE_ENTRY_CONCURRENCY',
  leaseSeconds: 'RECONCILE_LEASE_SECONDS',
  checkpointPages: 'RECONCILE_CHECKPOINT_PAGES',
  reportDiscrepancyLimit: 'RECONCILE_REPORT_LIMIT',
  itemBudgetSeconds: 'RECONCILE_ITEM_BUDGET_SECONDS',
  pageBudgetSeconds: 'RECONCILE_PAGE_BUDGET_SECONDS',
  stallAfterSeconds: 'RECONCILE_STALL_AFTER_SECONDS',
};

const LIMITS: Record<keyof ReconcileConfig, [number, number]> = {
  pendingAfterSeconds: [0, 7 * 86_400],
  unknownGraceSeconds: [0, 7 * 86_400],
  unknownMatchWindowSeconds: [1, 86_400],
  clockSkewSeconds: [0, 3_600],
  overlapSeconds: [0, 86_400],
  pageSize: [1, 100],
  usersPerBatch: [1, 100],
  userConcurrency: [1, 32],
  entryConcurrency: [1, 64],
  leaseSeconds: [1, 86_400],
  checkpointPages: [1, 100],
  reportDiscrepancyLimit: [1, 5_000],
  itemBudgetSeconds: [1, 900],
  pageBudgetSeconds: [1, 900],
  stallAfterSeconds: [60, 7 * 86_400],
};

export class ReconcileConfigError extends Error {
  override readonly name = 'ReconcileConfigError';
}

/** Reads the settings from the environment over the defaults, with `overrides` last; validated at once. */
export function reconcileConfig(overrides: Partial<ReconcileConfig> = {}, env: NodeJS.ProcessEnv = process.env): ReconcileConfig {
  const out = { ...RECONCILE_DEFAULTS };
  for (const key of Object.keys(ENV_NAMES) as (keyof ReconcileConfig)[]) {
    const raw = readEnv(ENV_NAMES[key], env);
    const v = overrides[key] ?? (raw === undefined ? undefined : Number(raw));
    if (v === undefined) continue;
    const [min, max] = LIMITS[key];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new ReconcileConfigError(`${ENV_NAMES[key]} must be an integer between ${min} and ${max}, got "${String(raw ?? v)}"`);
    }
    out[key] = v;
  }
  return out;
}
