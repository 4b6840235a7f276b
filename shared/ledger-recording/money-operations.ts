import type { LedgerMapping, Operation, OperationInput } from '../catalog/types.js';
import { restView } from '../classification/rules.js';
import { logger } from '../log/logger.js';
import { recordOperation, type OperationType } from '../store/ledger.js';
import { readPath } from './input-path.js';

/**
 * Money operations in the ledger: what `withIdempotency` records once P100 has accepted an operation
 * (PENDING under P100's id) or once its outcome is unknown (UNKNOWN under a key-derived id), with the
 * facts read from the catalog entry's `ledger` mapping.
 */

/** The ledger id of a money operation whose outcome is unknown, until reconciliation finds P100's id. */
export const unknownLedgerId = (operationId: string, idempotencyKey: string): string => `unknown:${operationId}:${idempotencyKey}`;

export interface LedgerRef {
  type: OperationType;
  id: string;
}

/** Request facts kept with a ledger operation: amount, currency, user, and a redacted summary of the input. */
function facts(op: Operation, mapping: LedgerMapping, input: OperationInput<unknown, unknown, unknown>) {
  const externalUserId = readPath(input, mapping.externalUserId);
  const amount = readPath(input, mapping.amount);
  const currency = readPath(input, mapping.currency);
  return {
    ...(externalUserId ? { externalUserId } : {}),
    ...(amount ? { amount } : {}),
    ...(currency ? { currency } : {}),
    // The classification's rest view: secrets dropped (a PAN as 6+4), personal data masked, PANs and IBANs
    // inside free text masked. Every entry's `redact` field is non-public in the classification (a catalog test).
    details: { operationId: op.operationId, request: restView({ params: input.params, query: input.query, body: input.body }) as Record<string, unknown> },
  };
}

/**
 * Records an accepted money operation as PENDING under P100's id (one round trip). When P100's answer
 * lacks the id field, the operation is recorded as UNKNOWN under the key-derived id instead, so
 * reconciliation still has something to match against history.
 */
export async function recordAccepted(
  op: Operation,
  input: OperationInput<unknown, unknown, unknown>,
  idempotencyKey: string,
  body: unknown,
): Promise<LedgerRef | undefined> {
  const mapping = op.ledger;
  if (!mapping) return undefined;
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>)[mapping.idField] : undefined;
  const p100Id = typeof raw === 'string' && raw !== '' ? raw : typeof raw === 'number' ? String(raw) : undefined;
  if (!p100Id) logger.warn('P100 accepted a money operation without its id field', { operationId: op.operationId, idField: mapping.idField });
  const ref: LedgerRef = { type: mapping.type, id: p100Id ?? unknownLedgerId(op.operationId, idempotencyKey) };
  await recordOperation({ type: ref.type, id: ref.id, status: p100Id ? 'PENDING' : 'UNKNOWN', source: 'api', idempotencyKey, ...facts(op, mapping, input) });
  return ref;
}

/** Records a money operation whose outcome is unknown (one round trip), for reconciliation to resolve. */
export async function recordUnknown(op: Operation, input: OperationInput<unknown, unknown, unknown>, idempotencyKey: string): Promise<LedgerRef | undefined> {
  const mapping = op.ledger;
  if (!mapping) return undefined;
  const ref: LedgerRef = { type: mapping.type, id: unknownLedgerId(op.operationId, idempotencyKey) };
  await recordOperation({ type: ref.type, id: ref.id, status: 'UNKNOWN', source: 'api', idempotencyKey, ...facts(op, mapping, input) });
  return ref;
}
