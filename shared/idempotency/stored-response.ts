import { restView } from '../classification/rules.js';
import type { HttpProblem } from '../http/problem.js';
import type { OperationResult } from '../http/operation-impl.js';
import type { StoredResponse } from './persistence.js';

/** What an idempotency record keeps of an answer, and how a stored answer is given again. */

/**
 * The copy of a response body that may be stored for replay: the classification's rest view (secrets
 * dropped: CVV, PIN, expiry, codes, presigned URLs; card numbers as first 6 + last 4 digits; personal data
 * masked; PANs and IBANs inside other strings masked), at any depth. The first caller gets the real body;
 * a replay gets this one (ASSUMPTIONS.md H5, H11).
 */
export function storableBody(body: unknown): unknown {
  return restView(body);
}

/** A stored answer given again, marked `Idempotent-Replayed: true`. */
export function replay(stored: StoredResponse): OperationResult {
  return {
    status: stored.statusCode,
    body: stored.body === '' ? undefined : (JSON.parse(stored.body) as unknown),
    headers: { ...stored.headers, 'idempotent-replayed': 'true' },
  };
}

/** A problem as stored for replay: problem+json, the rest view of its details. */
export function problemToStored(problem: HttpProblem, requestId: string): StoredResponse {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers },
    body: JSON.stringify(restView(problem.toDetails(requestId))),
  };
}
