import type { Operation } from '../catalog/types.js';
import { logger } from '../log/logger.js';
import type { P100Client } from '../p100/client.js';
import { P100AuthError, P100BusinessError, P100OutcomeUnknownError, P100TransportError } from '../p100/errors.js';
import { IdempotencyStore, type IdempotencyPersistence, type IdempotencyRecord, type StoredResponse } from './persistence.js';
import { recordAccepted, recordUnknown, type LedgerRef } from '../ledger-recording/index.js';
import { inProgressProblem, keyReusedProblem, unknownProblem } from './errors.js';
import { payloadFingerprints } from './fingerprint.js';
import { problemToStored, replay, storableBody } from './stored-response.js';
import type { OperationContext, OperationImpl, OperationResult } from '../http/operation-impl.js';
import { toProblem } from '../http/error-map.js';
import type { HttpProblem } from '../http/problem.js';

/**
 * Idempotency and ledger recording for `kind: 'money'` operations, and idempotency for `kind: 'write'`
 * operations called with an `Idempotency-Key` (optional there, required for money: issue 13 item 7),
 * wrapped around the operation's implementation by `operationHandler`, so no catalog entry carries code for it.
 * A write without the header runs as before (no record). The fingerprint is a keyed HMAC under the data
 * key (shared/secrets/data-key.ts), never a plain hash: write payloads carry PINs (updateCardPin).
 *
 * | request                                   | answer                                                    |
 * |-------------------------------------------|-----------------------------------------------------------|
 * | new key                                   | runs once; P100's answer is stored for 24 h               |
 * | same key, same payload, finished          | the stored answer again, `Idempotent-Replayed: true`      |
 * | same key, other payload                   | 422 `idempotency-key-reused`                              |
 * | same key, still running                   | 409 `idempotency-in-progress` with `Retry-After`          |
 * | same key, holder died while running       | 502 `outcome-unknown` (recorded UNKNOWN, never re-run)    |
 *
 * Outcomes: P100 accepted → ledger PENDING + stored 2xx; P100 refused → stored problem (replayed as is);
 * ambiguous failure (reset/timeout after sending, 5xx) → ledger UNKNOWN + stored 502/504 problem, never
 * re-sent; provable non-effect (connection refused, 429, P501, 401, failure before sending) → the
 * record is deleted so the same key may be retried.
 *
 * DynamoDB round trips on the success path: claim (conditional put), ledger put, complete (update) = 3.
 */

/** Time after the Lambda's own end before its lock counts as abandoned (clock skew between containers). */
const LOCK_GRACE_MS = 2_000;
/** The longest `Retry-After` we suggest on 409: P100 calls usually finish well within it. */
const MAX_RETRY_AFTER_SECONDS = 2;

export interface IdempotencyOptions {
  store?: IdempotencyPersistence;
  now?: () => number;
}

let defaultStore: IdempotencyPersistence | undefined;

/** The container's store, built on first use (no DynamoDB client for a function that never sees a key). */
function defaultIdempotencyStore(): IdempotencyPersistence {
  defaultStore ??= new IdempotencyStore();
  return defaultStore;
}

/**
 * Wraps a money operation's implementation with idempotency and ledger recording.
 *
 * @example
 * const impl = withIdempotency(catalog.createExchange, callUpstream);
 */
export function withIdempotency(op: Operation, impl: OperationImpl, options: IdempotencyOptions = {}): OperationImpl {
  if (op.kind === 'read') throw new Error(`withIdempotency: ${op.operationId} is a read; only writes and money operations take an Idempotency-Key`);
  if (op.kind === 'money' && !op.ledger)
    logger.warn('money operation without a ledger mapping: its outcomes are not recorded in the ledger', { operationId: op.operationId });
  const now = options.now ?? Date.now;

  return async (input, ctx) => {
    const store = options.store ?? defaultIdempotencyStore();
    const key = ctx.headers['idempotency-key'];
    // A write without the header: no record, as before issue 13 (the header is optional there).
    if (!key && op.kind === 'write') return impl(input, ctx);
    if (!key) throw new Error('withIdempotency: the Idempotency-Key header was not validated');
    // Current key first; the previous one (during a data key rotation) still recognises a record it made.
    const fingerprints = await payloadFingerprints(op.operationId, input);
    const fingerprint = fingerprints[0] as string;
    const started = now();
    const remaining = typeof ctx.lambda.getRemainingTimeInMillis === 'function' ? ctx.lambda.getRemainingTimeInMillis() : ctx.deadline - started;
    const lockExpiresAt = started + Math.max(remaining, ctx.deadline - started) + LOCK_GRACE_MS;

    const begun = await store.begin({ operationId: op.operationId, key, fingerprint, lockExpiresAt });
    if (!begun.acquired) return answerExisting(begun.record);

    // Whether P100 has answered this invocation: an error after that point means the effect may exist.
    let answered = false;
    const tracked: OperationContext = { ...ctx, client: () => trackCalls(ctx.client(), () => (answered = true)) };

    let result: OperationResult;
    try {
      result = await impl(input, tracked);
    } catch (err) {
      return failed(err, answered, begun.pk, begun.lockToken);
    }
    const status = result.status ?? op.successStatus ?? 200;

    let ledgerRef: LedgerRef | undefined;
    try {
      ledgerRef = await recordAccepted(op, input, key, result.body);
    } catch (e) {
      // The money moved; the caller must hear so. Reconciliation's history sweep finds what the ledger missed.
      logger.error('ledger write failed after P100 accepted a money operation', { operationId: op.operationId, error: e });
    }
    const stored: StoredResponse = {
      statusCode: status,
      headers: { 'content-type': 'application/json', ...result.headers },
      body: result.body === undefined ? '' : JSON.stringify(storableBody(result.body)),
    };
    await completeQuietly(begun.pk, begun.lockToken, 'ACCEPTED', stored, ledgerRef);
    return { ...result, status };

    async function failed(err: unknown, afterAnswer: boolean, pk: string, lockToken: string): Promise<never> {
      if (err instanceof P100OutcomeUnknownError || (afterAnswer && !(err instanceof P100BusinessError))) {
        throw await outcomeUnknown(err, pk, lockToken);
      }
      if (err instanceof P100BusinessError) {
        // P100 refused: nothing happened, and the same request would be refused again. Replayed as is.
        const problem = toProblem(err);
        await completeQuietly(pk, lockToken, 'REFUSED', problemToStored(problem, ctx.requestId));
        throw err;
      }
      // Provably no effect (never sent, 429, P501, 401, or our own failure before calling P100): free the key.
      if (err instanceof P100TransportError || err instanceof P100AuthError || !afterAnswer) {
        try {
          await store.release(pk, lockToken);
        } catch (e) {
          logger.error('could not release an idempotency key after a failed attempt', { operationId: op.operationId, error: e });
        }
      }
      throw err;
    }

    async function outcomeUnknown(err: unknown, pk: string, lockToken: string): Promise<HttpProblem> {
      let ref: LedgerRef | undefined;
      try {
        ref = await recordUnknown(op, input, key!);
      } catch (e) {
        logger.error('ledger write of an UNKNOWN money operation failed', { operationId: op.operationId, error: e });
      }
      const problem = unknownProblem(err, ref);
      logger.warn('money operation outcome unknown', {
        operationId: op.operationId,
        ledgerRef: ref,
        failure: err instanceof P100TransportError ? err.failure : 'internal',
      });
      await completeQuietly(pk, lockToken, 'UNKNOWN', problemToStored(problem, ctx.requestId), ref);
      return problem;
    }

    async function completeQuietly(
      pk: string,
      lockToken: string,
      outcome: 'ACCEPTED' | 'REFUSED' | 'UNKNOWN',
      response: StoredResponse,
      ref?: LedgerRef,
    ): Promise<void> {
      try {
        // false: our lock was closed by a later caller after it expired; that caller answered UNKNOWN and
        // reconciliation will find this operation anyway.
        if (!(await store.complete(pk, lockToken, outcome, response, ref)))
          logger.warn('idempotency lock lost before completion', { operationId: op.operationId, outcome });
      } catch (e) {
        // The record stays IN_PROGRESS; once its lock expires a retry turns it into UNKNOWN (never a re-run).
        logger.error('could not store the outcome of a money operation', { operationId: op.operationId, outcome, error: e });
      }
    }

    async function answerExisting(record: IdempotencyRecord): Promise<OperationResult> {
      if (!fingerprints.includes(record.fingerprint)) {
        throw keyReusedProblem();
      }
      if (record.status === 'COMPLETED' && record.response) return replay(record.response);
      const t = now();
      if (record.lockExpiresAt > t) {
        const wait = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil((record.lockExpiresAt - t) / 1000)));
        throw inProgressProblem(wait, 'Retry later with the same key to get its outcome.');
      }
      // The holder's Lambda is gone without recording an outcome: P100 may have acted. Close it as UNKNOWN.
      let ref: LedgerRef | undefined;
      try {
        ref = await recordUnknown(op, input, key!);
      } catch (e) {
        logger.error('ledger write of an abandoned money operation failed', { operationId: op.operationId, error: e });
      }
      const problem = unknownProblem(undefined, ref);
      if (await store.closeAsUnknown(record, problemToStored(problem, ctx.requestId), ref)) throw problem;
      const now2 = await store.get(record.pk);
      if (now2?.status === 'COMPLETED' && now2.response) return replay(now2.response);
      throw inProgressProblem(1);
    }
  };
}

/** The container's P100 client, reporting when P100 has answered a call (success or typed failure alike). */
function trackCalls(client: P100Client, onAnswered: () => void): P100Client {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'call') return Reflect.get(target, prop, receiver) as unknown;
      return async (req: Parameters<P100Client['call']>[0]) => {
        const res = await target.call(req);
        onAnswered();
        return res;
      };
    },
  });
}
