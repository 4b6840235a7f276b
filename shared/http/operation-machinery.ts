import type { Operation } from '../catalog/types.js';
import { withIdempotency } from '../idempotency/index.js';
import { withUserLedger } from '../ledger-recording/index.js';
import type { OperationImpl } from './operation-impl.js';

/**
 * What an operation's implementation runs inside: money operations get idempotency and ledger recording
 * here, so no catalog entry carries code for it; user lifecycle steps are recorded in the ledger from the
 * entry's `userLedger` the same way; writes too get idempotency (with an Idempotency-Key a resend replays
 * the first answer; without one they run as before). A module (a layer chunk) of its own: operationHandler
 * imports it at init for the operations that run it, and read functions, which never do, never evaluate it.
 */
export function withMoneyMachinery(op: Operation, impl: OperationImpl): OperationImpl {
  const base = withUserLedger(op, impl);
  return op.kind === 'read' ? base : withIdempotency(op, base);
}
