import type { OperationInput } from '../catalog/types.js';
import { digests, hmacWith } from '../secrets/data-key.js';

/** The payload fingerprint that tells "same key, same request" from "same key, other request". */

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
