import type { LedgerMapping, Operation, OperationInput } from '../catalog/types.js';
import { restView } from '../classification/rules.js';
import { logger } from '../log/logger.js';
import { digests, hmacWith } from '../secrets/data-key.js';
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

/** The text a fingerprint covers: the operationId and the canonical JSON of the validated input. */
function fingerprintText(operationId: string, input: OperationInput<unknown, unknown, unknown>): string {
  return `${operationId}\n${canonicalJson({ params: input.params ?? {}, query: input.query ?? {}, body: input.body ?? null })}`;
}

/**
 * HMAC-SHA256 (hex), under the data key's `idempotency-fingerprint` key, of the operationId and the
 * canonical JSON of the validated input. Validated, so that normalisations (currency case, IBAN spacing)
 * do not make the same request look like another one. Keyed, because the input may hold a PIN or another
 * low-entropy secret: a plain hash of it is reversed by trying every value (issue 12; ASSUMPTIONS.md H1, H10).
 */
export function payloadFingerprint(operationId: string, input: OperationInput<unknown, unknown, unknown>, masterKey: Buffer): string {
  return hmacWith(masterKey, 'idempotency-fingerprint', fingerprintText(operationId, input));
}

/** The fingerprints of a request under the current data key and, during a rotation, the previous one (current first). */
export function payloadFingerprints(operationId: string, input: OperationInput<unknown, unknown, unknown>): Promise<string[]> {
  return digests('idempotency-fingerprint', fingerprintText(operationId, input));
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

/**
 * The copy of a response body that may be stored for replay: the classification's rest view (secrets
 * dropped: CVV, PIN, expiry, codes, presigned URLs; card numbers as first 6 + last 4 digits; personal data
 * masked; PANs and IBANs inside other strings masked), at any depth. The first caller gets the real body;
 * a replay gets this one (ASSUMPTIONS.md H5, H11).
 */
export function storableBody(body: unknown): unknown {
  return restView(body);
}
