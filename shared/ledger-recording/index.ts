/**
 * What an API call records in the ledger itself (ARCHITECTURE.md "Ledger and reconciliation"): money
 * operations (money-operations.ts, called by shared/idempotency/) and user and card lifecycle steps
 * (user-steps.ts, wrapped around an operation by its catalog entry's `userLedger`).
 */
export { recordAccepted, recordUnknown } from './money-operations.js';
export type { LedgerRef } from './money-operations.js';
export { withUserLedger } from './user-steps.js';
export { readPath } from './input-path.js';
