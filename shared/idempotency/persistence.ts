import { randomUUID } from 'node:crypto';
import { ENV } from '../config/env.js';
import { tableName } from '../store/client.js';
import { send, sendConditional, updateExpression } from '../store/dynamo.js';

/**
 * Idempotency records of money operations (ARCHITECTURE.md "Company-facing API", "Calling P100 safely").
 *
 * Written here rather than with @aws-lambda-powertools/idempotency, because that utility falls short of
 * what a money operation needs:
 * - it stores exactly what the handler returns, so a createCard response would put the full PAN and CVV
 *   into DynamoDB; we must store a masked copy while the first caller gets the real card;
 * - any thrown error deletes the record so the request may run again. After an ambiguous failure
 *   (reset or timeout after sending) that would invite a second upstream effect; we keep an UNKNOWN
 *   outcome and replay it, and only a provable non-effect frees the key;
 * - an expired IN_PROGRESS lock is taken over and the handler re-run: for money that is again a
 *   possible second effect. We turn a dead holder's lock into an UNKNOWN outcome instead;
 * - its payload check hashes a JMESPath selection of the raw event; we fingerprint the validated,
 *   normalised input (`EUR` and `eur` are the same payload) with SHA-256, scoped to the operationId;
 * - its in-progress error carries no time, so the 409 cannot say when to retry; and it needs a
 *   `ReturnValuesOnConditionCheckFailure` read-back that dynalite does not implement.
 * The table layout is the same idea (one item per key, TTL attribute, conditional writes only), so the
 * success path still costs one conditional put and one update.
 *
 * Item: pk `<operationId>#<Idempotency-Key>` (keys cannot contain `#`, see idempotencyKeySchema).
 */

/** Records live 24 h (ARCHITECTURE.md); DynamoDB TTL removes them some time after `expiresAt`. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export type IdempotencyStatus = 'IN_PROGRESS' | 'COMPLETED';

/** How a completed operation ended: P100 accepted it, refused it, or we cannot tell. */
export type IdempotencyOutcome = 'ACCEPTED' | 'REFUSED' | 'UNKNOWN';

/** The response as replayed: status, headers and the JSON body as text (already masked where needed). */
export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyRecord {
  pk: string;
  operationId: string;
  idempotencyKey: string;
  /** SHA-256 (hex) of operationId + canonical JSON of the validated input. */
  fingerprint: string;
  status: IdempotencyStatus;
  outcome?: IdempotencyOutcome;
  response?: StoredResponse;
  /** Ledger item the outcome was recorded under (`OP#<type>#<id>`). */
  ledgerRef?: { type: string; id: string };
  /** Random token of the invocation holding the lock; every later write of that invocation is conditioned on it. */
  lockToken: string;
  /** Epoch ms after which the lock holder is certainly gone (its Lambda has timed out). */
  lockExpiresAt: number;
  /** TTL attribute, epoch seconds. */
  expiresAt: number;
  createdAt: string;
  updatedAt: string;
}

export type BeginResult = { acquired: true; pk: string; lockToken: string } | { acquired: false; record: IdempotencyRecord };

export interface IdempotencyStoreOptions {
  /** Table name; default from IDEMPOTENCY_TABLE at first use. */
  table?: string;
  ttlSeconds?: number;
  now?: () => number;
}

/** An idempotency record whose key has expired is treated as absent, even if DynamoDB has not removed it yet. */
export function isExpired(record: Pick<IdempotencyRecord, 'expiresAt'>, nowMs: number): boolean {
  return record.expiresAt * 1000 <= nowMs;
}

export const idempotencyPk = (operationId: string, key: string): string => `${operationId}#${key}`;

/** What the money wrapper needs from a store (the DynamoDB one below; tests use an in-memory one). */
export interface IdempotencyPersistence {
  begin(input: { operationId: string; key: string; fingerprint: string; lockExpiresAt: number }): Promise<BeginResult>;
  get(pk: string): Promise<IdempotencyRecord | undefined>;
  complete(pk: string, lockToken: string, outcome: IdempotencyOutcome, response: StoredResponse, ledgerRef?: { type: string; id: string }): Promise<boolean>;
  release(pk: string, lockToken: string): Promise<boolean>;
  closeAsUnknown(record: IdempotencyRecord, response: StoredResponse, ledgerRef?: { type: string; id: string }): Promise<boolean>;
}

/**
 * Conditional-write access to the idempotency table.
 *
 * @example
 * const store = new IdempotencyStore();
 * const r = await store.begin({ operationId: 'createExchange', key, fingerprint, lockExpiresAt });
 * if (r.acquired) { ...call P100...; await store.complete(r.pk, r.lockToken, 'ACCEPTED', response); }
 */
export class IdempotencyStore implements IdempotencyPersistence {
  readonly #table?: string;
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: IdempotencyStoreOptions = {}) {
    if (options.ttlSeconds !== undefined && !(options.ttlSeconds > 0)) throw new Error('IdempotencyStore: ttlSeconds must be positive');
    this.#table = options.table;
    this.#ttlSeconds = options.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS;
    this.#now = options.now ?? Date.now;
  }

  get #name(): string {
    return this.#table ?? tableName(ENV.idempotencyTable);
  }

  /**
   * Claims the key with an IN_PROGRESS record (one round trip), or returns the record that holds it
   * (a second round trip: a consistent read). An expired record counts as absent and is overwritten.
   */
  async begin(input: { operationId: string; key: string; fingerprint: string; lockExpiresAt: number }): Promise<BeginResult> {
    const pk = idempotencyPk(input.operationId, input.key);
    // Two passes at most: the second only when the record we lost to had expired in between.
    for (let pass = 0; pass < 2; pass++) {
      const now = this.#now();
      const lockToken = randomUUID();
      const at = new Date(now).toISOString();
      const item: IdempotencyRecord = {
        pk,
        operationId: input.operationId,
        idempotencyKey: input.key,
        fingerprint: input.fingerprint,
        status: 'IN_PROGRESS',
        lockToken,
        lockExpiresAt: input.lockExpiresAt,
        expiresAt: Math.floor(now / 1000) + this.#ttlSeconds,
        createdAt: at,
        updatedAt: at,
      };
      const acquired = await sendConditional(
        (lib) =>
          new lib.PutCommand({
            TableName: this.#name,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowSec',
            ExpressionAttributeValues: { ':nowSec': Math.floor(now / 1000) },
          }),
      );
      if (acquired) return { acquired: true, pk, lockToken };
      const existing = await this.get(pk);
      if (existing && !isExpired(existing, this.#now())) return { acquired: false, record: existing };
    }
    throw new Error(`IdempotencyStore: could not claim or read ${pk}`);
  }

  async get(pk: string): Promise<IdempotencyRecord | undefined> {
    const out = await send((lib) => new lib.GetCommand({ TableName: this.#name, Key: { pk }, ConsistentRead: true }));
    return out.Item as IdempotencyRecord | undefined;
  }

  /**
   * Stores the outcome and the response to replay; only the lock holder may (one round trip).
   * Returns false when the lock was taken from us (we outlived our own lock): the other writer's outcome stands.
   */
  async complete(
    pk: string,
    lockToken: string,
    outcome: IdempotencyOutcome,
    response: StoredResponse,
    ledgerRef?: { type: string; id: string },
  ): Promise<boolean> {
    const update = updateExpression({
      set: { status: 'COMPLETED', outcome, response, updatedAt: new Date(this.#now()).toISOString(), ledgerRef },
      values: { ':token': lockToken, ':inProgress': 'IN_PROGRESS' },
    });
    return sendConditional(
      (lib) => new lib.UpdateCommand({ TableName: this.#name, Key: { pk }, ...update, ConditionExpression: 'lockToken = :token AND #status = :inProgress' }),
    );
  }

  /** Frees the key after a provable non-effect, so the caller may retry with the same key (one round trip). */
  async release(pk: string, lockToken: string): Promise<boolean> {
    return sendConditional(
      (lib) =>
        new lib.DeleteCommand({
          TableName: this.#name,
          Key: { pk },
          ConditionExpression: 'lockToken = :token AND #status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':token': lockToken, ':inProgress': 'IN_PROGRESS' },
        }),
    );
  }

  /**
   * Closes a dead holder's IN_PROGRESS record as UNKNOWN (its Lambda timed out somewhere between claiming
   * the key and recording the outcome, so P100 may have acted). Conditioned on the dead holder's token,
   * so of several callers arriving at once exactly one wins. Never re-runs the operation.
   */
  async closeAsUnknown(record: IdempotencyRecord, response: StoredResponse, ledgerRef?: { type: string; id: string }): Promise<boolean> {
    return this.complete(record.pk, record.lockToken, 'UNKNOWN', response, ledgerRef);
  }
}

/**
 * The records of one Idempotency-Key across operations (the operator's timeline): a key is scoped by
 * operation, so every write operation's record is read, in batches of 100.
 */
export async function getIdempotencyRecords(operationIds: readonly string[], key: string): Promise<IdempotencyRecord[]> {
  const table = tableName(ENV.idempotencyTable);
  const keys = operationIds.map((id) => ({ pk: idempotencyPk(id, key) }));
  const out: IdempotencyRecord[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, string>[] = keys.slice(i, i + 100);
    // UnprocessedKeys come back under throttling; a few tries, then what was read is what we show.
    for (let attempt = 0; pending.length && attempt < 5; attempt++) {
      const res = await send((lib) => new lib.BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
      out.push(...((res.Responses?.[table] ?? []) as IdempotencyRecord[]));
      pending = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, string>[];
    }
  }
  return out;
}
