/**
 * Crypto operations (travel rule, network fee, withdrawals) through the local gateway against the P100
 * sandbox: for each, a success, a validation failure that never reaches P100, and a mapped P100 refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeKycUser, expectLedger, expectRefused, expectRejectedLocally, idem, newUserId, sandboxOperation, settle } from './operations-support.js';

let s: TestSuite;
const UNKNOWN = 'nobody-here';
const NO_SUCH_ID = '00000000-0000-0000-0000-000000000000';
const withdrawal = {
  currency: 'eth',
  amount: '0.01',
  walletAddress: '0x00000000000000000000000000000000000000bb',
  name: 'Jane Doe',
  walletType: 'NON_CUSTODIAL',
  receiverType: 'NATURAL',
};

beforeAll(async () => {
  s = await startTestSuite();
});
afterAll(async () => s?.close());

/** A crypto deposit held for Travel Rule data (status WAITING_FOR_TR_DATA once detected). */
async function heldDeposit(user: string): Promise<string> {
  const d = await s.control<{ cryptoDepositId: string }>('POST', '/_sandbox/deposits/crypto', {
    externalUserId: user,
    currency: 'eth',
    amount: '0.5',
    travelRule: true,
  });
  await settle(s);
  expect((await sandboxOperation(s, d.cryptoDepositId)).status).toBe('WAITING_FOR_TR_DATA');
  return d.cryptoDepositId;
}

describe('updateTravelRule', () => {
  it('releases a held deposit, which is then credited', async () => {
    const id = newUserId('tr');
    await activeKycUser(s, id);
    const depositId = await heldDeposit(id);
    const res = await s.call('PUT', `/crypto-deposits/${depositId}/travel-rule`, {
      body: { walletType: 'SELF_CUSTODY', externalUserId: id, details: { iAmOwnerOfWallet: true, firstName: 'Jane', lastName: 'Doe', country: 'PL' } },
    });
    expect(res.status, res.text).toBe(200);
    await settle(s);
    expect((await sandboxOperation(s, depositId)).status).toBe('SUCCESSFUL');
    const balances = await s.call('GET', `/users/${id}/balances`);
    expect(balances.body.cryptoBalances.find((b: { name: string }) => b.name === 'eth').amount).toBe('0.50000000');
  });

  it('refuses the withdrawal wallet-type enum and empty details before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () => s.call('PUT', `/crypto-deposits/${NO_SUCH_ID}/travel-rule`, { body: { walletType: 'NON_CUSTODIAL', details: { iAmOwnerOfWallet: true } } }),
      'walletType',
    );
    await expectRejectedLocally(
      s,
      () => s.call('PUT', `/crypto-deposits/${NO_SUCH_ID}/travel-rule`, { body: { walletType: 'CUSTODIAL', details: {} } }),
      'details',
    );
  });

  it('maps an unknown deposit (P466) to 404 and a deposit no longer held (P403) to 422', async () => {
    const body = { walletType: 'CUSTODIAL', details: { companyName: 'Exchange Ltd' } };
    expectRefused(await s.call('PUT', `/crypto-deposits/${NO_SUCH_ID}/travel-rule`, { body }), 404, 'P466');
    const id = newUserId('tr');
    await activeKycUser(s, id);
    const depositId = await heldDeposit(id);
    expect((await s.call('PUT', `/crypto-deposits/${depositId}/travel-rule`, { body })).status).toBe(200);
    await settle(s);
    expectRefused(await s.call('PUT', `/crypto-deposits/${depositId}/travel-rule`, { body }), 422, 'P403');
  });
});

describe('getNetworkFee', () => {
  it('returns the network fee as a decimal string, per network for usdt', async () => {
    const polygon = await s.call('GET', '/network-fees?currency=usdt&network=POLYGON');
    expect(polygon.status, polygon.text).toBe(200);
    expect(polygon.body.networkFee).toBe('0.000469');
    const ethereum = await s.call('GET', '/network-fees?currency=usdt');
    expect(ethereum.body.networkFee).toBe('1.2');
  });

  it('refuses a network for a single-network coin before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/network-fees?currency=btc&network=polygon'), 'network');
  });

  it('maps P100 "temporarily unavailable" to 503', async () => {
    await s.control('POST', '/_sandbox/faults', { route: 'GET /v1/crypto-withdrawal/get-network-fee', rateP501: 1, times: 4 });
    const res = await s.call('GET', '/network-fees?currency=eth');
    expect(res.status, res.text).toBe(503);
    await s.control('DELETE', '/_sandbox/faults');
  });
});

describe('createCryptoWithdrawal and getCryptoWithdrawal', () => {
  it('withdraws; the details show it SUCCESSFUL with fees and a transaction hash', async () => {
    const id = newUserId('wd');
    await activeKycUser(s, id, { eth: '1' });
    const res = await s.call('POST', `/users/${id}/crypto-withdrawals`, { headers: idem(), body: withdrawal });
    expect(res.status, res.text).toBe(202);
    await expectLedger('CRYPTO_WITHDRAWAL', res.body.withdrawalId, { externalUserId: id, amount: '0.01', currency: 'eth' });
    await settle(s);
    const details = await s.call('GET', `/crypto-withdrawals/${res.body.withdrawalId}`);
    expect(details.status, details.text).toBe(200);
    expect(details.body).toMatchObject({
      id: res.body.withdrawalId,
      externalUserId: id,
      currency: 'eth',
      amount: '0.01000000',
      fee: '0.00300000',
      status: 'SUCCESSFUL',
      transactionHash: expect.stringMatching(/^0x/),
    });
  });

  it('refuses a malformed wallet address, and a malformed withdrawalId, before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () => s.call('POST', `/users/${UNKNOWN}/crypto-withdrawals`, { headers: idem(), body: { ...withdrawal, walletAddress: '0x12' } }),
      'walletAddress',
    );
    await expectRejectedLocally(s, () => s.call('GET', '/crypto-withdrawals/bad%20id'), 'withdrawalId');
  });

  it('maps unknown user (P412) 404, suspended user (P455) 409, below minimum (P403) 422, unknown withdrawal (P466) 404', async () => {
    expectRefused(await s.call('POST', `/users/${UNKNOWN}/crypto-withdrawals`, { headers: idem(), body: withdrawal }), 404, 'P412');
    const id = newUserId('wd');
    await activeKycUser(s, id, { eth: '1' });
    expectRefused(await s.call('POST', `/users/${id}/crypto-withdrawals`, { headers: idem(), body: { ...withdrawal, amount: '0.001' } }), 422, 'P403');
    expect((await s.call('POST', `/users/${id}/suspension`)).status).toBe(200);
    expectRefused(await s.call('POST', `/users/${id}/crypto-withdrawals`, { headers: idem(), body: withdrawal }), 409, 'P455');
    expectRefused(await s.call('GET', `/crypto-withdrawals/${NO_SUCH_ID}`), 404, 'P466');
  });

  it('a withdrawal the balance cannot cover with fees is accepted, then FAILED', async () => {
    const id = newUserId('wd');
    await activeKycUser(s, id, { eth: '0.01' });
    const res = await s.call('POST', `/users/${id}/crypto-withdrawals`, { headers: idem(), body: withdrawal });
    expect(res.status, res.text).toBe(202);
    await settle(s);
    expect((await s.call('GET', `/crypto-withdrawals/${res.body.withdrawalId}`)).body.status).toBe('FAILED');
  });
});
