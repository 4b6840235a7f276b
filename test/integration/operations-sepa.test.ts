/**
 * User SEPA operations through the local gateway against the P100 sandbox: for each, a success, a
 * validation failure that never reaches P100, and a P100 refusal mapped to our status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeKycUser, expectLedger, expectRefused, expectRejectedLocally, idem, newUserId, settle } from './operations-support.js';

let s: TestSuite;
const UNKNOWN = 'nobody-here';
/** The user's own account at another bank: whitelisted once a deposit from it passes the name check. */
const OWN_IBAN = 'PL61109010140000071219812874';

beforeAll(async () => {
  s = await startTestSuite();
});
afterAll(async () => s?.close());

/** An active KYC user (Jane Doe) who deposited 100 EUR from OWN_IBAN, so level 1 may pay out there. */
async function userWithWhitelistedIban(): Promise<string> {
  const id = newUserId('sepa');
  await activeKycUser(s, id);
  await s.control('POST', '/_sandbox/deposits/sepa', { externalUserId: id, amount: '100.00', senderName: 'Jane Doe', senderIban: OWN_IBAN });
  await settle(s);
  return id;
}

const payout = (amount = '10.00', destinationIban = OWN_IBAN) => ({ amount, currency: 'eur', destinationIban, transferTitle: 'Withdrawal' });

describe('getUserSepaDepositInfo', () => {
  it("returns the IBAN and the user's own reference", async () => {
    const a = newUserId('sepa');
    const b = newUserId('sepa');
    await activeKycUser(s, a);
    await activeKycUser(s, b);
    const ra = await s.call('GET', `/users/${a}/sepa-deposit-info`);
    const rb = await s.call('GET', `/users/${b}/sepa-deposit-info`);
    expect(ra.status, ra.text).toBe(200);
    expect(ra.body).toMatchObject({ iban: expect.stringMatching(/^[A-Z]{2}\d{2}/), title: expect.any(String), accountHolder: expect.any(String) });
    expect(rb.body.title).not.toBe(ra.body.title);
  });

  it('refuses a malformed externalUserId before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/users/bad%20id/sepa-deposit-info'), 'externalUserId');
  });

  it('maps a non-KYC user (P467) to 409 and an unknown one (P412) to 404', async () => {
    const nonKyc = newUserId('nk');
    expect((await s.call('POST', '/users-without-kyc', { body: { externalUserId: nonKyc } })).status).toBe(201);
    expectRefused(await s.call('GET', `/users/${nonKyc}/sepa-deposit-info`), 409, 'P467');
    expectRefused(await s.call('GET', `/users/${UNKNOWN}/sepa-deposit-info`), 404, 'P412');
  });
});

describe('createSepaTransfer and getSepaTransfer', () => {
  it("pays out to the user's whitelisted IBAN; the details show it SUCCESSFUL with the minimum fee", async () => {
    const id = await userWithWhitelistedIban();
    const res = await s.call('POST', `/users/${id}/sepa-transfers`, { headers: idem(), body: payout('10.00', 'pl61 1090 1014 0000 0712 1981 2874') });
    expect(res.status, res.text).toBe(202);
    await expectLedger('SEPA_TRANSFER', res.body.transferId, { externalUserId: id, amount: '10.00', currency: 'eur' });
    await settle(s);
    const details = await s.call('GET', `/sepa-transfers/${res.body.transferId}`);
    expect(details.status, details.text).toBe(200);
    expect(details.body).toMatchObject({
      id: res.body.transferId,
      amount: '10.00',
      currency: 'eur',
      fee: '1',
      status: 'SUCCESSFUL',
      destinationIban: OWN_IBAN,
    });
    expect(details.body.user.externalUserId).toBe(id);
    const balances = await s.call('GET', `/users/${id}/balances`);
    expect(balances.body.fiatBalances.find((b: { name: string }) => b.name === 'eur').amount).toBe('89.00');
  });

  it('refuses a malformed IBAN, 3 decimals, and incomplete level-2 receiver data before calling P100', async () => {
    await expectRejectedLocally(
      s,
      () => s.call('POST', `/users/${UNKNOWN}/sepa-transfers`, { headers: idem(), body: payout('10.00', 'PL61-1090') }),
      'destinationIban',
    );
    await expectRejectedLocally(s, () => s.call('POST', `/users/${UNKNOWN}/sepa-transfers`, { headers: idem(), body: payout('10.001') }), 'amount');
    await expectRejectedLocally(
      s,
      () => s.call('POST', `/users/${UNKNOWN}/sepa-transfers`, { headers: idem(), body: { ...payout(), receiverType: 'NATURAL', receiverFirstName: 'Jane' } }),
      'receiverLastName',
    );
    await expectRejectedLocally(s, () => s.call('GET', '/sepa-transfers/bad%20id'), 'transferId');
  });

  it('maps level-1 refusals: IBAN not whitelisted (P403) 422, receiver fields sent (P403) 422; suspended (P455) 409; unknown user (P412) 404', async () => {
    const id = await userWithWhitelistedIban();
    expectRefused(await s.call('POST', `/users/${id}/sepa-transfers`, { headers: idem(), body: payout('10.00', 'DE89370400440532013000') }), 422, 'P403');
    expectRefused(
      await s.call('POST', `/users/${id}/sepa-transfers`, {
        headers: idem(),
        body: { ...payout(), receiverType: 'NATURAL', receiverFirstName: 'Jane', receiverLastName: 'Doe' },
      }),
      422,
      'P403',
    );
    expect((await s.call('POST', `/users/${id}/suspension`)).status).toBe(200);
    expectRefused(await s.call('POST', `/users/${id}/sepa-transfers`, { headers: idem(), body: payout() }), 409, 'P455');
    expectRefused(await s.call('POST', `/users/${UNKNOWN}/sepa-transfers`, { headers: idem(), body: payout() }), 404, 'P412');
  });

  it('maps an unknown transfer (P428) to 404; a payout above the balance is accepted, then FAILED', async () => {
    expectRefused(await s.call('GET', '/sepa-transfers/00000000-0000-0000-0000-000000000000'), 404, 'P428');
    const id = await userWithWhitelistedIban();
    const res = await s.call('POST', `/users/${id}/sepa-transfers`, { headers: idem(), body: payout('100.00') });
    expect(res.status, res.text).toBe(202);
    await settle(s);
    expect((await s.call('GET', `/sepa-transfers/${res.body.transferId}`)).body.status).toBe('FAILED');
  });
});
