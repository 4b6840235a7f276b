import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineOperation, getOperation, operations, type Operation } from '../../shared/catalog/index.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { payloadFingerprint, storableBody, withIdempotency } from '../../shared/idempotency/index.js';
import { readPath } from '../../shared/ledger-recording/index.js';
import type { OperationContext, OperationImpl } from '../../shared/http/operation-impl.js';
import { HttpProblem } from '../../shared/http/problem.js';
import type { P100Client } from '../../shared/p100/client.js';
import { P100BusinessError, P100OutcomeUnknownError, P100TransportError } from '../../shared/p100/errors.js';
import { setDataKeyRing } from '../../shared/secrets/index.js';
import { setDocumentClient } from '../../shared/store/client.js';
import {
  idempotencyPk,
  isExpired,
  type BeginResult,
  type IdempotencyOutcome,
  type IdempotencyPersistence,
  type IdempotencyRecord,
  type StoredResponse,
} from '../../shared/idempotency/index.js';

/** No network: an in-memory store with the DynamoDB store's semantics, a fake P100 client, a fake ledger client. */

class MemoryStore implements IdempotencyPersistence {
  readonly records = new Map<string, IdempotencyRecord>();
  now = 1_700_000_000_000;
  calls = 0;
  async begin(i: { operationId: string; key: string; fingerprint: string; lockExpiresAt: number }): Promise<BeginResult> {
    this.calls++;
    const pk = idempotencyPk(i.operationId, i.key);
    const existing = this.records.get(pk);
    if (existing && !isExpired(existing, this.now)) return { acquired: false, record: existing };
    const lockToken = `t${Math.random()}`;
    const at = new Date(this.now).toISOString();
    this.records.set(pk, {
      pk,
      operationId: i.operationId,
      idempotencyKey: i.key,
      fingerprint: i.fingerprint,
      status: 'IN_PROGRESS',
      lockToken,
      lockExpiresAt: i.lockExpiresAt,
      expiresAt: Math.floor(this.now / 1000) + 86_400,
      createdAt: at,
      updatedAt: at,
    });
    return { acquired: true, pk, lockToken };
  }
  async get(pk: string) {
    this.calls++;
    return this.records.get(pk);
  }
  async complete(pk: string, lockToken: string, outcome: IdempotencyOutcome, response: StoredResponse, ledgerRef?: { type: string; id: string }) {
    this.calls++;
    const r = this.records.get(pk);
    if (!r || r.lockToken !== lockToken || r.status !== 'IN_PROGRESS') return false;
    this.records.set(pk, { ...r, status: 'COMPLETED', outcome, response, ...(ledgerRef ? { ledgerRef } : {}) });
    return true;
  }
  async release(pk: string, lockToken: string) {
    this.calls++;
    const r = this.records.get(pk);
    if (!r || r.lockToken !== lockToken || r.status !== 'IN_PROGRESS') return false;
    this.records.delete(pk);
    return true;
  }
  async closeAsUnknown(record: IdempotencyRecord, response: StoredResponse, ledgerRef?: { type: string; id: string }) {
    return this.complete(record.pk, record.lockToken, 'UNKNOWN', response, ledgerRef);
  }
}

/** Ledger writes land here (recordOperation's conditional PutCommand), instead of DynamoDB. */
const ledgerPuts: Record<string, unknown>[] = [];
const DATA_KEY = randomBytes(32);
beforeAll(() => {
  setDataKeyRing({ current: DATA_KEY });
  process.env.LEDGER_TABLE = 'unit-ledger';
  setDocumentClient({
    send: async (cmd: { input: { Item?: Record<string, unknown> } }) => {
      if (cmd.input.Item) ledgerPuts.push(cmd.input.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient);
});
afterAll(() => {
  setDocumentClient(undefined);
  setDataKeyRing(undefined);
});

const money: Operation = defineOperation({
  operationId: 'unitMoney',
  area: 'exchange',
  summary: 'test',
  route: { method: 'POST', path: '/unit/{externalUserId}/money' },
  upstream: { method: 'POST', path: '/v1/unit' },
  kind: 'money',
  confidence: 'L',
  request: { body: z.object({ amount: z.string(), currency: z.string(), iban: z.string().optional() }) },
  response: z.looseObject({ id: z.string() }),
  successStatus: 202,
  redact: [],
  ledger: { type: 'TRANSFER', idField: 'id', amount: 'body.amount', currency: 'body.currency', externalUserId: 'params.externalUserId' },
});

const input = (amount = '10.00') => ({ params: { externalUserId: 'u-1' }, query: {}, body: { amount, currency: 'eur', iban: 'DE89370400440532013000' } });

let store: MemoryStore;
let upstreamCalls = 0;
const client = { call: async () => ({ status: 202, body: { id: 'p100-1' }, attempts: 1 }) } as unknown as P100Client;

function ctx(key = 'key-12345678'): OperationContext {
  return {
    op: money,
    requestId: 'req-1',
    deadline: store.now + 9_000,
    client: () => client,
    headers: { 'idempotency-key': key },
    operator: 'test',
    lambda: { getRemainingTimeInMillis: () => 10_000 } as unknown as Context,
  };
}

/** An implementation that calls the fake client (counted), then does what `after` says. */
function impl(after: (called: () => Promise<unknown>) => Promise<unknown> = (c) => c()): OperationImpl {
  return async (_input, c) => {
    const body = await after(async () => {
      upstreamCalls++;
      return (await c.client().call({ operationId: 'unitMoney', kind: 'money', method: 'POST', path: '/v1/unit' })).body;
    });
    return { status: 202, body };
  };
}

beforeEach(() => {
  store = new MemoryStore();
  upstreamCalls = 0;
  ledgerPuts.length = 0;
});

const wrap = (i: OperationImpl) => withIdempotency(money, i, { store, now: () => store.now });

describe('payload fingerprint', () => {
  it('ignores key order, is scoped to the operation, and changes with any value', () => {
    const a = { params: { externalUserId: 'u' }, query: {}, body: { amount: '1', currency: 'eur', nested: { b: 1, a: [1, 2] } } };
    const b = { body: { nested: { a: [1, 2], b: 1 }, currency: 'eur', amount: '1' }, query: {}, params: { externalUserId: 'u' } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    const fp = (op: string, i: typeof a) => payloadFingerprint(op, i, DATA_KEY);
    expect(fp('x', a)).toBe(fp('x', b));
    expect(fp('x', a)).toMatch(/^[0-9a-f]{64}$/);
    expect(fp('y', a)).not.toBe(fp('x', a));
    expect(fp('x', { ...a, body: { ...a.body, amount: '1.0' } })).not.toBe(fp('x', a));
    expect(fp('x', { ...a, body: { ...a.body, nested: { a: [2, 1], b: 1 } } })).not.toBe(fp('x', a));
  });

  it('is keyed: another data key gives another fingerprint, so the table alone cannot confirm a guess', () => {
    const a = { params: {}, query: {}, body: { pin: '1234' } };
    expect(payloadFingerprint('x', a, DATA_KEY)).not.toBe(payloadFingerprint('x', a, randomBytes(32)));
  });

  it('reads dotted ledger paths as strings only', () => {
    expect(readPath(input(), 'body.amount')).toBe('10.00');
    expect(readPath(input(), 'params.externalUserId')).toBe('u-1');
    expect(readPath(input(), 'body.missing.deeper')).toBeUndefined();
    expect(readPath({ params: {}, query: {}, body: { n: 5 } }, 'body.n')).toBeUndefined();
  });
});

describe('storableBody', () => {
  it('masks card numbers to 6 + 4 and drops CVV and PIN at any depth', () => {
    const stored = storableBody({
      cardId: 'c1',
      cardNumber: '4111 1111 1111 1111',
      cvv: '123',
      exp: '12/29',
      cards: [{ pan: '5500000000000004', pin: '1234' }],
    });
    // The expiry is card data too (classified secret): it is not stored either (ASSUMPTIONS.md H5).
    expect(stored).toEqual({ cardId: 'c1', cardNumber: '411111******1111', cards: [{ pan: '550000******0004' }] });
  });
});

describe('withIdempotency', () => {
  it('runs once, stores a masked copy with the ledger reference, and replays it with Idempotent-Replayed', async () => {
    const card = { status: 202, body: { id: 'p100-1', cardNumber: '4111111111111111', cvv: '999' }, attempts: 1 };
    const cardClient = { call: async () => card } as unknown as P100Client;
    const h = wrap(async (_i, c) => {
      upstreamCalls++;
      return { status: 202, body: (await c.client().call({ operationId: 'unitMoney', kind: 'money', method: 'POST', path: '/v1/unit' })).body };
    });
    const c = { ...ctx(), client: () => cardClient };
    const first = await h(input(), c);
    expect(first.body).toEqual(card.body);
    expect(first.headers?.['idempotent-replayed']).toBeUndefined();
    const second = await h(input(), c);
    expect(second.status).toBe(202);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual({ id: 'p100-1', cardNumber: '411111******1111' });
    expect(upstreamCalls).toBe(1);
    const rec = store.records.get(idempotencyPk('unitMoney', 'key-12345678'))!;
    expect(rec).toMatchObject({ status: 'COMPLETED', outcome: 'ACCEPTED', ledgerRef: { type: 'TRANSFER', id: 'p100-1' } });
    expect(ledgerPuts).toHaveLength(1);
    expect(ledgerPuts[0]).toMatchObject({
      id: 'p100-1',
      status: 'PENDING',
      amount: '10.00',
      currency: 'eur',
      externalUserId: 'u-1',
      idempotencyKey: 'key-12345678',
    });
    // The ledger's request summary is redacted (IBAN).
    expect(JSON.stringify(ledgerPuts[0])).not.toContain('DE89370400440532013000');
  });

  it('refuses the same key with another payload (422) without running', async () => {
    const h = wrap(impl());
    await h(input('10.00'), ctx());
    await expect(h(input('11.00'), ctx())).rejects.toMatchObject({ status: 422, slug: 'idempotency-key-reused' });
    expect(upstreamCalls).toBe(1);
  });

  it('answers 409 with a short Retry-After while the first request runs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = wrap(
      impl(async (call) => {
        await gate;
        return call();
      }),
    );
    const first = h(input(), ctx());
    const err = await h(input(), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpProblem);
    expect(err).toMatchObject({ status: 409, slug: 'idempotency-in-progress' });
    const retryAfter = Number((err as HttpProblem).headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    release();
    await first;
    expect(upstreamCalls).toBe(1);
  });

  it('stores a P100 refusal and replays it without calling again', async () => {
    const h = wrap(
      impl(async () => {
        upstreamCalls++;
        throw new P100BusinessError(400, 'P433', 'insufficient-funds');
      }),
    );
    await expect(h(input(), ctx())).rejects.toBeInstanceOf(P100BusinessError);
    const replay = await h(input(), ctx());
    expect(replay.status).toBe(422);
    expect(replay.headers).toMatchObject({ 'content-type': 'application/problem+json', 'idempotent-replayed': 'true' });
    expect(replay.body).toMatchObject({ upstream: { errorCode: 'P433' }, requestId: 'req-1' });
    expect(upstreamCalls).toBe(1);
    expect(ledgerPuts).toHaveLength(0);
  });

  it('records UNKNOWN after an ambiguous failure and never runs that key again', async () => {
    const h = wrap(
      impl(async () => {
        upstreamCalls++;
        throw new P100OutcomeUnknownError('timeout', 1, 'unitMoney: reset after sending');
      }),
    );
    const err = await h(input(), ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 504, slug: 'outcome-unknown' });
    const details = (err as HttpProblem).toDetails('req-1');
    expect(details).toMatchObject({ outcome: 'UNKNOWN', ledgerRef: { type: 'TRANSFER', id: 'unknown:unitMoney:key-12345678' } });
    expect(ledgerPuts[0]).toMatchObject({ id: 'unknown:unitMoney:key-12345678', status: 'UNKNOWN', amount: '10.00', currency: 'eur' });
    const replay = await h(input(), ctx());
    expect(replay.status).toBe(504);
    expect(replay.body).toEqual(details);
    expect(upstreamCalls).toBe(1);
  });

  it('treats a failure after P100 answered as UNKNOWN (the effect may exist)', async () => {
    const h = wrap(
      impl(async (call) => {
        await call();
        throw new Error('bug after the upstream call');
      }),
    );
    await expect(h(input(), ctx())).rejects.toMatchObject({ status: 502, slug: 'outcome-unknown' });
    expect(store.records.get(idempotencyPk('unitMoney', 'key-12345678'))?.outcome).toBe('UNKNOWN');
  });

  it('frees the key after a provable non-effect, so the same key runs again', async () => {
    let fail = true;
    const h = wrap(
      impl(async (call) => {
        if (fail) {
          fail = false;
          throw new P100TransportError('rate-limited', 4, 'unitMoney: 429', 1);
        }
        return call();
      }),
    );
    await expect(h(input(), ctx())).rejects.toBeInstanceOf(P100TransportError);
    expect(store.records.size).toBe(0);
    const ok = await h(input(), ctx());
    expect(ok.status).toBe(202);
    expect(ok.headers?.['idempotent-replayed']).toBeUndefined();
    expect(upstreamCalls).toBe(1);
  });

  it('frees the key when our own code fails before calling P100', async () => {
    const h = wrap(async () => {
      throw new Error('secret fetch failed');
    });
    await expect(h(input(), ctx())).rejects.toThrow('secret fetch failed');
    expect(store.records.size).toBe(0);
  });

  it('closes an abandoned IN_PROGRESS record (holder timed out) as UNKNOWN instead of re-running', async () => {
    const never = new Promise<never>(() => undefined);
    const h = wrap(
      impl(async (call) => {
        await never;
        return call();
      }),
    );
    void h(input(), ctx());
    // Let the first request claim the key (its keyed fingerprint takes a few microtasks).
    await new Promise((r) => setImmediate(r));
    store.now += 60_000; // past the holder's lock (its Lambda has certainly ended)
    const err = await h(input(), ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, slug: 'outcome-unknown' });
    expect(store.records.get(idempotencyPk('unitMoney', 'key-12345678'))).toMatchObject({ status: 'COMPLETED', outcome: 'UNKNOWN' });
    expect(upstreamCalls).toBe(0);
  });

  it('treats an expired record as absent', async () => {
    const h = wrap(impl());
    await h(input(), ctx());
    store.now += 24 * 3600 * 1000 + 1000;
    const again = await h(input('99.00'), ctx());
    expect(again.headers?.['idempotent-replayed']).toBeUndefined();
    expect(upstreamCalls).toBe(2);
  });

  it('makes three store/ledger round trips on success: claim, ledger put, complete', async () => {
    const h = wrap(impl());
    await h(input(), ctx());
    expect(store.calls + ledgerPuts.length).toBe(3);
  });
});

describe('catalog money operations', () => {
  it('every money operation maps its outcome to the ledger (type and id field)', () => {
    const moneyOps = operations.filter((o) => o.kind === 'money');
    expect(moneyOps.length).toBeGreaterThan(0);
    for (const op of moneyOps) {
      expect(op.ledger, op.operationId).toBeDefined();
      expect(op.ledger?.idField, op.operationId).toMatch(/^\w+$/);
    }
    expect(getOperation('createCard').ledger?.type).toBe('CARD');
  });
});
