/**
 * Which statuses take an operation off the ledger's open index (reconciliation's pending sweep), and a
 * coarse `statusRank` kept on each item for sorting in the console. Neither decides whether a change
 * applies: that is the lifecycle's transition table (shared/webhooks/lifecycles.ts, issue 11).
 * Statuses are compared upper-case (P100 sends both casings, reference contradiction 4).
 */

/** Statuses after which an operation can no longer change (a second, different terminal is a conflict). */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  'SUCCESSFUL',
  'FAILED',
  'COMPLETED',
  'UNSUCCESSFUL',
  'SETTLED',
  'DECLINED',
  'REVERSED',
  'APPROVED',
  'REJECTED',
  'DELETED',
  'RESOLVED',
]);

/** Ranks of non-terminal statuses; unknown non-terminal statuses rank 10 (as PENDING). */
const RANK: Readonly<Record<string, number>> = {
  UNKNOWN: 1,
  CREATED: 5,
  PENDING: 10,
  WAITING: 15,
  QUESTIONED: 16,
  WAITING_FOR_VERIFICATION: 20,
  WAITING_FOR_TR_DATA: 25,
  PROCESSING: 30,
  AUTHORIZED: 30,
};

export const TERMINAL_RANK = 100;

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status.toUpperCase());
}

export function statusRank(status: string): number {
  const s = status.toUpperCase();
  if (TERMINAL_STATUSES.has(s)) return TERMINAL_RANK;
  return RANK[s] ?? 10;
}
