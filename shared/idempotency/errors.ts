import { toProblem } from '../http/error-map.js';
import { HttpProblem } from '../http/problem.js';
import { P100OutcomeUnknownError } from '../p100/errors.js';
import type { LedgerRef } from '../ledger-recording/index.js';

/** The problems the idempotency engine answers with itself (ARCHITECTURE.md "Company-facing API": 422, 409, 502/504). */

/** Same key, other payload: 422. */
export function keyReusedProblem(): HttpProblem {
  return new HttpProblem(
    422,
    'idempotency-key-reused',
    'Idempotency-Key already used for another request',
    'This key was first used with a different payload. Send a new Idempotency-Key for a new request.',
  );
}

/** Same key, still running: 409 with `Retry-After` (seconds). */
export function inProgressProblem(retryAfterSeconds: number, detail?: string): HttpProblem {
  return new HttpProblem(
    409,
    'idempotency-in-progress',
    'A request with this Idempotency-Key is still in progress',
    detail,
    {},
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** The 502/504 "outcome unknown" problem, pointing at the ledger operation reconciliation will resolve. */
export function unknownProblem(err: unknown, ref: LedgerRef | undefined): HttpProblem {
  const base =
    err instanceof P100OutcomeUnknownError ? toProblem(err) : toProblem(new P100OutcomeUnknownError('network', 1, 'invocation ended after claiming the key'));
  return new HttpProblem(
    base.status,
    base.slug,
    base.title,
    base.detail,
    { ...base.extensions, outcome: 'UNKNOWN', ...(ref ? { ledgerRef: ref } : {}) },
    base.headers,
  );
}
