import { createHash } from 'node:crypto';
import type { LedgerMapping, Operation, OperationInput } from '../catalog/types.js';
import { logger } from '../log/logger.js';
import { maskPan, redactDeep } from '../log/redact.js';
import { recordOperation, type OperationType } from '../store/ledger.js';

/**
 * What money operations share besides the idempotency lock: the payload fingerprint, the ledger facts
 * read from a catalog entry's `ledger` mapping, and the card-safe copy of a response that may be stored.
 */

/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so two payloads that
 * mean the same thing serialise to the same text whatever their key order.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * SHA-256 (hex) of the operationId and the canonical JSON of the validated input. Validated, so that
 * normalisations (currency case, IBAN spacing) do not make the same request look like another one.
 */
export function payloadFingerprint(operationId: string, input: OperationInput<unknown, unknown, unknown>): string {
  return createHash('sha256')
    .update(operationId)
    .update('\n')
    .update(canonicalJson({ params: input.params ?? {}, query: input.query ?? {}, body: input.body ?? null }))
    .digest('hex');
}

/** Reads a dotted path (`body.amount`, `params.externalUserId`) from the validated input; strings only. */
export function readPath(input: OperationInput<unknown, unknown, unknown>, path: string | undefined): string | undefined {
  if (!path) return undefined;
  let cur: unknown = input;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' ? cur : undefined;
}

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
    // Redacted by key (IBAN, PAN, PIN, CVV, document fields, the entry's own list) and by value.
    details: { operationId: op.operationId, request: redactDeep({ params: input.params, query: input.query, body: input.body }, op.redact) as Record<string, unknown> },
  };
}

/**
 * Records an accepted money operation as PENDING under P100's id (one round trip). When P100's answer
 * lacks the id field, the operation is recorded as UNKNOWN under the key-derived id instead, so
 * reconciliation still has something to match against history.
 */
export async function recordAccepted(op: Operation, input: OperationInput<unknown, unknown, unknown>, idempotencyKey: string, body: unknown): Promise<LedgerRef | undefined> {
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

/** Response fields that never reach storage: the CVV (and PIN) are dropped, card numbers truncated. */
const DROPPED = new Set(['cvv', 'cvc', 'pin']);
const MASKED = new Set(['cardNumber', 'pan']);

/**
 * The copy of a response body that may be stored for replay: card numbers as first 6 + last 4 digits,
 * CVV and PIN removed, at any depth. The first caller gets the real body; a replay gets this one.
 */
export function storableBody(body: unknown, depth = 0): unknown {
  if (body === null || typeof body !== 'object' || depth > 12) return body;
  if (Array.isArray(body)) return body.map((v) => storableBody(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (DROPPED.has(k)) continue;
    out[k] = MASKED.has(k) && (typeof v === 'string' || typeof v === 'number') ? maskPan(String(v)) : storableBody(v, depth + 1);
  }
  return out;
}
