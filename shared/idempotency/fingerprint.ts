import type { OperationInput } from '../catalog/types.js';
import { canonicalJson } from '../canonical-json.js';
import { digests, hmacWith } from '../secrets/data-key.js';

/** The payload fingerprint that tells "same key, same request" from "same key, other request". */

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
