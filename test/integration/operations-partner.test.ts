/**
 * Partner operations through the local gateway against the P100 sandbox: for each, a success, a validation
 * failure that never reaches P100, and a P100 refusal mapped to our status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { expectLedger, expectRefused, expectRejectedLocally, fundPartner, idem, sandboxOperation, settle, upstreamCounts } from './operations-support.js';

let s: TestSuite;
const PARTNER_IBAN = 'DE89370400440532013000';

beforeAll(async () => {
  s = await startTestSuite();
  await s.control('POST', '/_sandbox/config', { partnerIbans: [PARTNER_IBAN] });
});
afterAll(async () => s?.close());

/** P100 says "temporarily unavailable" (P501) to every attempt: nothing was done, the caller may retry. */
async function p100Unavailable(route: string): Promise<void> {
  await s.control('POST', '/_sandbox/faults', { route, rateP501: 1, times: 4 });
}

describe('getPartnerBalances', () => {
  it('returns the funded balances with amounts as decimal strings', async () => {
    await fundPartner(s, 'eur', '1000.50');
    const res = await s.call('GET', '/partner/balances');
    expect(res.status, res.text).toBe(200);
    const eur = res.body.fiatBalances.find((b: { name: string }) => b.name === 'eur');
    expect(eur.amount).toBe('1000.50');
    expect(res.body.cryptoBalances.length).toBeGreaterThan(0);
  });

  it('refuses an unknown query parameter before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/partner/balances?surprise=1'), 'surprise');
  });

  it('maps P100 "temporarily unavailable" to 503 after the read retries', async () => {
    await p100Unavailable('GET /v1/partner/balances');
    const before = await upstreamCounts(s);
    const res = await s.call('GET', '/partner/balances');
    expect(res.status, res.text).toBe(503);
    expect(res.body.type).toContain('upstream-unavailable');
    expect((await upstreamCounts(s))['GET /v1/partner/balances']).toBe((before['GET /v1/partner/balances'] ?? 0) + 4);
    await s.control('DELETE', '/_sandbox/faults');
  });
});

describe('getPartnerTransactions', () => {
  it('returns one page of the history, oldest first', async () => {
    await s.control('POST', '/_sandbox/seed/history', { count: 5 });
    const res = await s.call('GET', '/partner/transactions?page=1&pageSize=2');
    expect(res.status, res.text).toBe(200);
    expect(res.body.transactions).toHaveLength(2);
    expect(res.body.totalItems).toBeGreaterThanOrEqual(5);
    const [a, b] = res.body.transactions as { createdAt: string; amount: string }[];
    expect(Date.parse(a?.createdAt ?? '')).toBeLessThanOrEqual(Date.parse(b?.createdAt ?? ''));
    expect(typeof a?.amount).toBe('string');
  });

  it('refuses a page size above 100 before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/partner/transactions?pageSize=500'), 'pageSize');
  });

  it('maps P100 "temporarily unavailable" to 503', async () => {
    await p100Unavailable('GET /v1/partner/transactions');
    const res = await s.call('GET', '/partner/transactions');
    expect(res.status, res.text).toBe(503);
    await s.control('DELETE', '/_sandbox/faults');
  });
});

describe('createPartnerExchangeLock and createPartnerExchange', () => {
  it('locks a rate and exchanges at it; the exchange settles COMPLETED at P100', async () => {
    await fundPartner(s, 'eur', '500');
    const lock = await s.call('POST', '/partner/exchange-locks', { body: { currencyFrom: 'EUR', currencyTo: 'btc', amount: '100' } });
    expect(lock.status, lock.text).toBe(201);
    expect(lock.body).toMatchObject({ currencyFrom: 'eur', currencyTo: 'btc', amount: '100.00' });
    expect(typeof lock.body.rate).toBe('string');

    const ex = await s.call('POST', '/partner/exchanges', {
      headers: idem(),
      body: { amount: '100', currencyFrom: 'eur', currencyTo: 'btc', lockId: lock.body.lockId },
    });
    expect(ex.status, ex.text).toBe(202);
    await expectLedger('EXCHANGE', ex.body.exchangeId, { amount: '100', currency: 'eur' });
    await settle(s);
    const op = await sandboxOperation(s, ex.body.exchangeId);
    expect(op).toMatchObject({ type: 'EXCHANGE', status: 'COMPLETED', externalUserId: null, currency: 'eur', amount: '100.00' });
  });

  it('refuses a lock between the same currency before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () => s.call('POST', '/partner/exchange-locks', { body: { currencyFrom: 'eur', currencyTo: 'EUR', amount: '1' } }),
      'currencyTo',
    );
  });

  it('maps a lock P100 refuses (amount too small to exchange, P403) to 422', async () => {
    const res = await s.call('POST', '/partner/exchange-locks', { body: { currencyFrom: 'btc', currencyTo: 'eur', amount: '0.00000001' } });
    expectRefused(res, 422, 'P403');
  });

  it('refuses an exchange with a bad amount, or without Idempotency-Key, before calling P100', async () => {
    const body = { amount: '-1', currencyFrom: 'eur', currencyTo: 'btc', lockId: 'x' };
    await expectRejectedLocally(s, () => s.call('POST', '/partner/exchanges', { headers: idem(), body }), 'amount');
    await expectRejectedLocally(s, () => s.call('POST', '/partner/exchanges', { body: { ...body, amount: '1' } }), 'Idempotency-Key');
  });

  it('maps an unknown lock (P465) to 422', async () => {
    const res = await s.call('POST', '/partner/exchanges', {
      headers: idem(),
      body: { amount: '1', currencyFrom: 'eur', currencyTo: 'btc', lockId: 'no-such-lock' },
    });
    expectRefused(res, 422, 'P465');
  });
});

describe('createPartnerCryptoWithdrawal', () => {
  const body = {
    currency: 'eth',
    amount: '0.01',
    walletAddress: '0x00000000000000000000000000000000000000aa',
    name: 'Partner Ltd',
    walletType: 'CUSTODIAL',
    receiverType: 'LEGAL',
  };

  it('withdraws from the partner balance; it settles SUCCESSFUL at P100', async () => {
    await fundPartner(s, 'eth', '1');
    const res = await s.call('POST', '/partner/crypto-withdrawals', { headers: idem(), body });
    expect(res.status, res.text).toBe(202);
    await expectLedger('CRYPTO_WITHDRAWAL', res.body.withdrawalId, { amount: '0.01', currency: 'eth' });
    await settle(s);
    expect(await sandboxOperation(s, res.body.withdrawalId)).toMatchObject({
      type: 'CRYPTO_WITHDRAWAL',
      status: 'SUCCESSFUL',
      externalUserId: null,
      amount: '0.01000000',
    });
  });

  it('refuses an unknown wallet type before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () => s.call('POST', '/partner/crypto-withdrawals', { headers: idem(), body: { ...body, walletType: 'SELF_CUSTODY' } }),
      'walletType',
    );
  });

  it('maps a withdrawal below minWithdrawal (P403) to 422', async () => {
    const res = await s.call('POST', '/partner/crypto-withdrawals', { headers: idem(), body: { ...body, amount: '0.0001' } });
    expectRefused(res, 422, 'P403');
  });
});

describe('createPartnerSepaTransfer, getPartnerSepaTransfer', () => {
  it('pays out to a whitelisted partner IBAN; the details show it SUCCESSFUL with the fee', async () => {
    await fundPartner(s, 'eur', '100');
    const res = await s.call('POST', '/partner/sepa-transfers', {
      headers: idem(),
      body: { amount: '20.00', currency: 'eur', destinationIban: 'DE89 3704 0044 0532 0130 00', transferTitle: 'Own account' },
    });
    expect(res.status, res.text).toBe(202);
    await expectLedger('SEPA_TRANSFER', res.body.transferId, { amount: '20.00', currency: 'eur' });
    await settle(s);
    const details = await s.call('GET', `/partner/sepa-transfers/${res.body.transferId}`);
    expect(details.status, details.text).toBe(200);
    expect(details.body).toMatchObject({
      id: res.body.transferId,
      amount: '20.00',
      currency: 'eur',
      status: 'SUCCESSFUL',
      fee: '1',
      destinationIban: PARTNER_IBAN,
    });
  });

  it('refuses a malformed IBAN before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () =>
        s.call('POST', '/partner/sepa-transfers', {
          headers: idem(),
          body: { amount: '1', currency: 'eur', destinationIban: 'DE00-not-an-iban', transferTitle: 't' },
        }),
      'destinationIban',
    );
  });

  it('maps a level-1 payout to a non-whitelisted IBAN (P403) to 422', async () => {
    const res = await s.call('POST', '/partner/sepa-transfers', {
      headers: idem(),
      body: { amount: '1.00', currency: 'eur', destinationIban: 'FR1420041010050500013M02606', transferTitle: 'Elsewhere' },
    });
    expectRefused(res, 422, 'P403');
  });

  it('refuses a malformed transfer id before calling P100, and maps an unknown one (P428) to 404', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/partner/sepa-transfers/bad%20id'), 'transferId');
    expectRefused(await s.call('GET', '/partner/sepa-transfers/00000000-0000-0000-0000-000000000000'), 404, 'P428');
  });
});

describe('getPartnerSepaDepositInfo', () => {
  it('returns the IBAN and the reference to use', async () => {
    const res = await s.call('GET', '/partner/sepa-deposit-info');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ iban: expect.stringMatching(/^[A-Z]{2}\d{2}/), title: expect.any(String), swift: expect.any(String) });
  });

  it('refuses an unknown query parameter before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/partner/sepa-deposit-info?reference=x'), 'reference');
  });

  it('maps P100 "temporarily unavailable" to 503', async () => {
    await p100Unavailable('GET /v1/partner/sepa-deposit/info');
    const res = await s.call('GET', '/partner/sepa-deposit-info');
    expect(res.status, res.text).toBe(503);
    await s.control('DELETE', '/_sandbox/faults');
  });
});
