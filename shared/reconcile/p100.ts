/**
 * Moved to shared/p100/reads.ts (issue 14: upstream access lives with the P100 client). Kept only for
 * reconcile/store.ts and reconcile/ledger-access.ts, which another change rewrites; import from
 * '../p100/reads.js' and delete this file once they do.
 */
export { HISTORY_LEDGER_TYPES } from '../p100/reads.js';
export type { HistoryCursor } from '../p100/reads.js';
