import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerOperation } from '../../shared/store/ledger.js';
import { roundTrips } from '../../shared/store/client.js';
import { IdempotencyStore, idempotencyPk } from '../../shared/idempotency/index.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';

/**
 * Money operations through the local gateway against the sandbox: idempotent replay, conflicting
 * payloads, concurrent duplicates, the ambiguous "reset after the effect" case, and the DynamoDB budget.
 */

let s: TestSuite;

interface SandboxOps {
  total: number;
  operations: { id: string; type: string }[];
}

const exchanges = async (): Promise<SandboxOps> => s.control<SandboxOps>('GET', '/_sandbox/operations?type=EXCHANGE');
const exchangeCalls = async (): Promise<number> =>
  (await s.control<{ routes: Record<string, number> }>('GET', '/_sandbox/stats')).routes['POST /v1/partner/exchange'] ?? 0;

async function lock(amount = '10'): Promise<string> {
  const r = await s.call('POST', '/partner/exchange-locks', { body: { currencyFrom: 'eur', currencyTo: 'usdc', amount } });
  expect(r.status, r.text).toBe(201);
  return r.body.lockId as string;
}

const exchange = (key: string, body: unknown) => s.call('POST', '/partner/exchanges', { body, headers: { 'idempotency-key': key } });

beforeAll(async () => {
  // Settlement far away: no webhook traffic (and no DynamoDB writes by receivers) during the tests.
  s = await startTestSuite({ settleDelayMs: 600_000 });
  await s.control('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100000' });
});

afterAll(async () => {
  await s?.close();
});

describe('money operations: idempotency', () => {
  it('replays the stored answer for the same key and payload, with one upstream effect', async () => {
    const key = `replay-${randomUUID()}`;
    const body = { amount: '10', currencyFrom: 'EUR', currencyTo: 'usdc', lockId: await lock() };
    const before = (await exchanges()).total;

    const first = await exchange(key, body);
    expect(first.status, first.text).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(typeof first.body.exchangeId).toBe('string');

    // Key order and currency case differ: the validated payload is the same, so this is a replay.
    const second = await exchange(key, { lockId: body.lockId, currencyTo: 'USDC', currencyFrom: 'eur', amount: '10' });
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);

    const after = await exchanges();
    expect(after.total).toBe(before + 1);
    expect(after.operations.filter((o) => o.id === first.body.exchangeId)).toHaveLength(1);

    const ledger = await getLedgerOperation('EXCHANGE', first.body.exchangeId as string);
    expect(ledger).toMatchObject({ status: 'PENDING', amount: '10', currency: 'eur', idempotencyKey: key });
  });

  it('answers 422 when the key is reused with another payload, and calls nobody', async () => {
    const key = `conflict-${randomUUID()}`;
    const lockId = await lock();
    const first = await exchange(key, { amount: '10', currencyFrom: 'eur', currencyTo: 'usdc', lockId });
    expect(first.status, first.text).toBe(202);
    const calls = await exchangeCalls();

    const other = await exchange(key, { amount: '11', currencyFrom: 'eur', currencyTo: 'usdc', lockId });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
    expect(await exchangeCalls()).toBe(calls);
  });

  it('scopes keys per operation: the same key on another money operation is a new request', async () => {
    const key = `scope-${randomUUID()}`;
    const r1 = await exchange(key, { amount: '10', currencyFrom: 'eur', currencyTo: 'usdc', lockId: await lock() });
    expect(r1.status, r1.text).toBe(202);
    // Same key on createPartnerCryptoWithdrawal: a request of its own, not a 422 conflict with the exchange.
    const r2 = await s.call('POST', '/partner/crypto-withdrawals', {
      body: {
        amount: '1',
        currency: 'usdc',
        network: 'polygon',
        walletAddress: '0x2e90f8a2b5c0e9d1e7c3a4b5c6d7e8f9a0b1c2d3',
        name: 'Jane Doe',
        walletType: 'CUSTODIAL',
        receiverType: 'NATURAL',
      },
      headers: { 'idempotency-key': key },
    });
    expect(r2.status, r2.text).not.toBe(400);
    expect(String(r2.body?.type ?? '')).not.toMatch(/idempotency/);
    expect(r2.headers.get('idempotent-replayed')).toBeNull();
    const store = new IdempotencyStore();
    const a = await store.get(idempotencyPk('createPartnerExchange', key));
    const b = await store.get(idempotencyPk('createPartnerCryptoWithdrawal', key));
    expect(a?.status).toBe('COMPLETED');
    expect(b?.operationId).toBe('createPartnerCryptoWithdrawal');
    expect(b?.fingerprint).not.toBe(a?.fingerprint);
  });

  it('lets exactly one of 10 concurrent duplicates reach P100; the others get 409 or the replay', async () => {
    const key = `burst-${randomUUID()}`;
    const body = { amount: '10', currencyFrom: 'eur', currencyTo: 'usdc', lockId: await lock() };
    const before = (await exchanges()).total;
    const calls = await exchangeCalls();

    const answers = await Promise.all(Array.from({ length: 10 }, () => exchange(key, body)));

    const fresh = answers.filter((a) => a.status === 202 && a.headers.get('idempotent-replayed') === null);
    const replays = answers.filter((a) => a.status === 202 && a.headers.get('idempotent-replayed') === 'true');
    const busy = answers.filter((a) => a.status === 409);
    expect(fresh).toHaveLength(1);
    expect(replays.length + busy.length).toBe(9);
    for (const b of busy) {
      expect(b.body.type).toMatch(/idempotency-in-progress$/);
      expect(Number(b.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    for (const r of replays) expect(r.body).toEqual(fresh[0]?.body);
    expect((await exchanges()).total).toBe(before + 1);
    expect(await exchangeCalls()).toBe(calls + 1);

    // Once done, every further duplicate is a replay.
    const later = await exchange(key, body);
    expect(later.status).toBe(202);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
  });

  it('makes at most 3 DynamoDB round trips for a successful money operation', async () => {
    const body = { amount: '10', currencyFrom: 'eur', currencyTo: 'usdc', lockId: await lock() };
    const start = roundTrips.count;
    const r = await exchange(`budget-${randomUUID()}`, body);
    expect(r.status, r.text).toBe(202);
    const used = roundTrips.count - start;
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(3);
  });
});

describe('money operations: outcome unknown', () => {
  it('records UNKNOWN after a reset following the effect, and never calls P100 again for that key', async () => {
    const key = `reset-${randomUUID()}`;
    const body = { amount: '10', currencyFrom: 'eur', currencyTo: 'usdc', lockId: await lock() };
    const before = (await exchanges()).total;
    await s.control('POST', '/_sandbox/faults', { route: 'POST /v1/partner/exchange', resetAfterRate: 1, times: 1 });
    const calls = await exchangeCalls();

    const r = await exchange(key, body);
    expect([502, 504]).toContain(r.status);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.outcome).toBe('UNKNOWN');
    const ledgerId = `unknown:createPartnerExchange:${key}`;
    expect(r.body.ledgerRef).toEqual({ type: 'EXCHANGE', id: ledgerId });
    // The effect did happen at P100, once.
    expect((await exchanges()).total).toBe(before + 1);
    expect(await exchangeCalls()).toBe(calls + 1);

    const ledger = await getLedgerOperation('EXCHANGE', ledgerId);
    expect(ledger).toMatchObject({ status: 'UNKNOWN', amount: '10', currency: 'eur', idempotencyKey: key });
    expect(ledger?.details).toMatchObject({ operationId: 'createPartnerExchange' });

    const again = await exchange(key, body);
    expect(again.status).toBe(r.status);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(r.body);
    expect(await exchangeCalls()).toBe(calls + 1);
    expect((await exchanges()).total).toBe(before + 1);
  });

  it('stores and replays a P100 refusal without calling P100 again', async () => {
    const key = `refused-${randomUUID()}`;
    const body = { amount: '10', currencyFrom: 'eur', currencyTo: 'usdc', lockId: 'no-such-lock' };
    const calls = await exchangeCalls();
    const r = await exchange(key, body);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.upstream?.errorCode).toMatch(/^P4/);
    const again = await exchange(key, body);
    expect(again.status).toBe(r.status);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(r.body);
    expect(await exchangeCalls()).toBe(calls + 1);
  });

  it('frees the key when P100 provably did nothing (503 after P501), so the same key may be retried', async () => {
    const key = `p501-${randomUUID()}`;
    const body = { amount: '10', currencyFrom: 'eur', currencyTo: 'usdc', lockId: await lock() };
    await s.control('POST', '/_sandbox/faults', { route: 'POST /v1/partner/exchange', rateP501: 1, times: 4 });
    const r = await exchange(key, body);
    expect(r.status, r.text).toBe(503);
    const record = await new IdempotencyStore().get(idempotencyPk('createPartnerExchange', key));
    expect(record).toBeUndefined();

    const retry = await exchange(key, body);
    expect(retry.status, retry.text).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('createCard (money): the replay never carries the full card', () => {
  it('returns PAN and CVV once; the stored and replayed copy is masked, without CVV', async () => {
    const user = `card-${randomUUID().slice(0, 8)}`;
    const created = await s.call('POST', '/users', {
      body: { externalUserId: user, citizenship: 'PL', email: `${user}@example.com`, firstName: 'Jan', lastName: 'Kowalski' },
    });
    expect(created.status, created.text).toBe(201);
    await s.control('POST', `/_sandbox/users/${user}/activate`, { extended: true });

    const key = `card-${randomUUID()}`;
    const body = { label: 'travel', pin: '4821' };
    const first = await s.call('POST', `/users/${user}/cards`, { body, headers: { 'idempotency-key': key } });
    expect(first.status, first.text).toBe(201);
    const pan = first.body.cardNumber as string;
    expect(pan).toMatch(/^\d{13,19}$/);
    expect(first.body.cvv).toMatch(/^\d{3}$/);

    const replay = await s.call('POST', `/users/${user}/cards`, { body, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.cardId).toBe(first.body.cardId);
    expect(replay.body.cardNumber).toBe(`${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`);
    expect(replay.body).not.toHaveProperty('cvv');

    const record = await new IdempotencyStore().get(idempotencyPk('createCard', key));
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(pan);
    expect(stored).not.toContain(`"${first.body.cvv as string}"`);
    expect(stored).not.toContain('4821');
    const ledger = await getLedgerOperation('CARD', first.body.cardId as string);
    expect(ledger).toMatchObject({ status: 'PENDING', externalUserId: user });
    expect(JSON.stringify(ledger)).not.toContain('4821');
  });
});
