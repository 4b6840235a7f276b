/**
 * Idempotency of write and money operations (ARCHITECTURE.md "Company-facing API"): the wrapper around an
 * operation's implementation (handler.ts), the records it keeps (persistence.ts), the payload fingerprint
 * (fingerprint.ts), what a record stores and replays (stored-response.ts) and the problems it answers
 * with (errors.ts). The layout follows Powertools' packages/idempotency/src.
 */
export { withIdempotency } from './handler.js';
export { IdempotencyStore, idempotencyPk, isExpired } from './persistence.js';
export type { BeginResult, IdempotencyOutcome, IdempotencyPersistence, IdempotencyRecord, StoredResponse } from './persistence.js';
export { payloadFingerprint } from './fingerprint.js';
export { storableBody } from './stored-response.js';
