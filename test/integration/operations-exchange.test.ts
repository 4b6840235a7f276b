/**
 * Exchange and internal-transfer operations through the local gateway against the P100 sandbox: for each,
 * a success, a validation failure that never reaches P100, and a P100 refusal mapped to our status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import {
  activeKycUser,
  expectLedger,
  expectRefused,
  expectRejectedLocally,
  fundPartner,
  idem,
  newUserId,
  sandboxOperation,
  settle,
} from './operations-support.js';

let s: TestSuite;
const UNKNOWN = 'nobody-here';
const NO_SUCH_ID = '00000000-0000-0000-0000-000000000000';

beforeAll(async () => {
  s = await startTestSuite();
});
afterAll(async () => s?.close());

async function lock(user: string, body: Record<string, string>) {
  const res = await s.call('POST', `/users/${user}/exchange-locks`, { body });
  expect(res.status, res.text).toBe(201);
  return res.body as { lockId: string; rate: string; amount: string; amountTo: string; expiresAt: string };
}

describe('getExchangeRate', () => {
  it('quotes an indicative rate with decimal strings', async () => {
    const res = await s.call('GET', '/exchange-rates?currencyFrom=ETH&currencyTo=eur&amount=2');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ currencyFrom: 'eth', currencyTo: 'eur', amount: '2.00000000' });
    expect(res.body.rate).toMatch(/^\d+(\.\d+)?$/);
    expect(res.body.amountTo).toMatch(/^\d+\.\d{2}$/);
  });

  it('refuses a non-decimal amount before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/exchange-rates?currencyFrom=eth&currencyTo=eur&amount=1e3'), 'amount');
  });

  it('maps an amount too small to exchange (P403) to 422', async () => {
    expectRefused(await s.call('GET', '/exchange-rates?currencyFrom=btc&currencyTo=eur&amount=0.00000001'), 422, 'P403');
  });
});

describe('createExchangeLock', () => {
  it("locks a binding rate for the user's exchange", async () => {
    const id = newUserId('lk');
    await activeKycUser(s, id);
    const l = await lock(id, { currencyFrom: 'eur', currencyTo: 'usdc', amount: '50' });
    expect(l).toMatchObject({ lockId: expect.any(String), amount: '50.00', expiresAt: expect.any(String) });
  });

  it('refuses an unknown currency before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () => s.call('POST', `/users/${UNKNOWN}/exchange-locks`, { body: { currencyFrom: 'eur', currencyTo: 'xrp', amount: '1' } }),
      'currencyTo',
    );
  });

  it('maps an unknown user (P412) to 404', async () => {
    expectRefused(await s.call('POST', `/users/${UNKNOWN}/exchange-locks`, { body: { currencyFrom: 'eur', currencyTo: 'btc', amount: '1' } }), 404, 'P412');
  });
});

describe('createExchange and getExchange', () => {
  it('exchanges at a locked rate; the details show it COMPLETED with the fee', async () => {
    const id = newUserId('ex');
    await activeKycUser(s, id, { eur: '100' });
    const l = await lock(id, { currencyFrom: 'eur', currencyTo: 'btc', amount: '100' });
    const ex = await s.call('POST', `/users/${id}/exchanges`, {
      headers: idem(),
      body: { amount: '100', currencyFrom: 'eur', currencyTo: 'btc', lockId: l.lockId },
    });
    expect(ex.status, ex.text).toBe(202);
    await expectLedger('EXCHANGE', ex.body.exchangeId, { externalUserId: id, amount: '100', currency: 'eur' });
    await settle(s);
    const details = await s.call('GET', `/exchanges/${ex.body.exchangeId}`);
    expect(details.status, details.text).toBe(200);
    expect(details.body).toMatchObject({
      id: ex.body.exchangeId,
      externalUserId: id,
      currencyFrom: 'eur',
      currencyTo: 'btc',
      amount: '100.00',
      amountTo: l.amountTo,
      status: 'COMPLETED',
    });
    expect(details.body.fee).toMatch(/^\d+\.\d{8}$/);
  });

  it('refuses a malformed lockId and a malformed exchangeId before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () =>
        s.call('POST', `/users/${UNKNOWN}/exchanges`, {
          headers: idem(),
          body: { amount: '1', currencyFrom: 'eur', currencyTo: 'btc', lockId: 'lock id with spaces' },
        }),
      'lockId',
    );
    await expectRejectedLocally(s, () => s.call('GET', '/exchanges/bad%20id'), 'exchangeId');
  });

  it("maps a suspended user (P455) to 409, another user's lock (P465) to 422, and an unknown exchange (P466) to 404", async () => {
    const id = newUserId('ex');
    await activeKycUser(s, id, { eur: '10' });
    const l = await lock(id, { currencyFrom: 'eur', currencyTo: 'eth', amount: '10' });
    const other = newUserId('ex');
    await activeKycUser(s, other, { eur: '10' });
    const body = { amount: '10', currencyFrom: 'eur', currencyTo: 'eth', lockId: l.lockId };
    expectRefused(await s.call('POST', `/users/${other}/exchanges`, { headers: idem(), body }), 422, 'P465');

    expect((await s.call('POST', `/users/${id}/suspension`)).status).toBe(200);
    expectRefused(await s.call('POST', `/users/${id}/exchanges`, { headers: idem(), body }), 409, 'P455');

    expectRefused(await s.call('GET', `/exchanges/${NO_SUCH_ID}`), 404, 'P466');
  });

  it('an exchange the balance cannot cover is accepted, then FAILED at settlement (P100 checks funds later)', async () => {
    const id = newUserId('ex');
    await activeKycUser(s, id, { eur: '1' });
    const l = await lock(id, { currencyFrom: 'eur', currencyTo: 'btc', amount: '50' });
    const ex = await s.call('POST', `/users/${id}/exchanges`, {
      headers: idem(),
      body: { amount: '50', currencyFrom: 'eur', currencyTo: 'btc', lockId: l.lockId },
    });
    expect(ex.status, ex.text).toBe(202);
    await settle(s);
    expect((await s.call('GET', `/exchanges/${ex.body.exchangeId}`)).body.status).toBe('FAILED');
  });
});

describe('createTransfer and getTransfer', () => {
  it('funds a user from the partner balance (FUNDING) and collects back (COLLECTION)', async () => {
    const id = newUserId('tr');
    await activeKycUser(s, id);
    await fundPartner(s, 'usdc', '100');
    const funding = await s.call('POST', `/users/${id}/transfers`, { headers: idem(), body: { direction: 'FUNDING', amount: '25.5', currency: 'USDC' } });
    expect(funding.status, funding.text).toBe(202);
    await expectLedger('TRANSFER', funding.body.transferId, { externalUserId: id, amount: '25.5', currency: 'usdc' });
    await settle(s);
    const details = await s.call('GET', `/transfers/${funding.body.transferId}`);
    expect(details.status, details.text).toBe(200);
    expect(details.body).toMatchObject({
      id: funding.body.transferId,
      destinationExternalUserId: id,
      sourceExternalUserId: null,
      amount: '25.500000',
      currency: 'usdc',
      status: 'SUCCESSFUL',
    });

    const collection = await s.call('POST', `/users/${id}/transfers`, { headers: idem(), body: { direction: 'COLLECTION', amount: '5', currency: 'usdc' } });
    expect(collection.status, collection.text).toBe(202);
    await settle(s);
    expect(await sandboxOperation(s, collection.body.transferId)).toMatchObject({
      type: 'TRANSFER',
      status: 'SUCCESSFUL',
      externalUserId: id,
      amount: '5.000000',
    });
  });

  it('refuses a transfer without direction, and a malformed transferId, before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () => s.call('POST', `/users/${UNKNOWN}/transfers`, { headers: idem(), body: { amount: '1', currency: 'eur' } }),
      'direction',
    );
    await expectRejectedLocally(s, () => s.call('GET', '/transfers/bad%20id'), 'transferId');
  });

  it('maps insufficient funds (P433) to 422, an unknown user (P412) and an unknown transfer (P466) to 404', async () => {
    const id = newUserId('tr');
    await activeKycUser(s, id, { eur: '1' });
    expectRefused(
      await s.call('POST', `/users/${id}/transfers`, { headers: idem(), body: { direction: 'COLLECTION', amount: '2', currency: 'eur' } }),
      422,
      'P433',
    );
    expectRefused(
      await s.call('POST', `/users/${UNKNOWN}/transfers`, { headers: idem(), body: { direction: 'FUNDING', amount: '1', currency: 'eur' } }),
      404,
      'P412',
    );
    expectRefused(await s.call('GET', `/transfers/${NO_SUCH_ID}`), 404, 'P466');
  });
});
