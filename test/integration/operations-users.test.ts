/**
 * User and KYC-by-P100 operations through the local gateway against the P100 sandbox: for each, a success,
 * a validation failure that never reaches P100, and a P100 refusal mapped to our status.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeKycUser, createKycUser, expectRefused, expectRejectedLocally, newUserId, settle, upstreamCounts } from './operations-support.js';

let s: TestSuite;

beforeAll(async () => {
  s = await startTestSuite();
});
afterAll(async () => s?.close());

const sandboxUser = (id: string) =>
  s.control<{ status: string; extended: boolean; model: string; kyc: { status: string } | null }>('GET', `/_sandbox/users/${id}`);
const UNKNOWN = 'nobody-here';

describe('createUser', () => {
  it('creates a KYC user', async () => {
    const id = newUserId('cu');
    const res = await s.call('POST', '/users', { body: { externalUserId: id, citizenship: 'PL', hasAcceptedP100Tc: true } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.userId).toEqual(expect.any(String));
    expect((await sandboxUser(id)).model).toBe('KYC');
  });

  it('refuses a missing citizenship before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('POST', '/users', { body: { externalUserId: newUserId('cu') } }), 'citizenship');
  });

  it('maps a reused externalUserId (P411) to 409', async () => {
    const id = newUserId('cu');
    await createKycUser(s, id);
    expectRefused(await s.call('POST', '/users', { body: { externalUserId: id, citizenship: 'PL' } }), 409, 'P411');
  });
});

describe('createUserWithoutKyc', () => {
  it('creates a non-KYC user with a flat balance list', async () => {
    const id = newUserId('nk');
    const res = await s.call('POST', '/users-without-kyc', {
      body: { externalUserId: id, email: 'a@example.com', documentType: 'PASSPORT', pesel: '12345678901', birthDate: '1990-05-15' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.balances.map((b: { name: string }) => b.name)).toContain('eth');
    expect((await sandboxUser(id)).model).toBe('NON_KYC');
  });

  it('refuses a malformed PESEL and a KYC-only field before calling P100', async () => {
    const res = await expectRejectedLocally(
      s,
      () => s.call('POST', '/users-without-kyc', { body: { externalUserId: newUserId('nk'), pesel: '123', citizenship: 'PL' } }),
      'pesel',
    );
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('citizenship');
  });

  it('maps a reused externalUserId (P411) to 409', async () => {
    const id = newUserId('nk');
    expect((await s.call('POST', '/users-without-kyc', { body: { externalUserId: id } })).status).toBe(201);
    expectRefused(await s.call('POST', '/users-without-kyc', { body: { externalUserId: id } }), 409, 'P411');
  });
});

/** A request with the path exactly as given: fetch would resolve `%2E%2E` as a dot segment before sending. */
function rawCall(
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; contentType: string; body: { errors?: { field: string }[] } | undefined }> {
  const url = new URL(s.api);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('strict requests through the gateway (issue 13)', () => {
  it('the old POST /users/without-kyc creates nothing', async () => {
    const before = await upstreamCounts(s);
    const res = await s.call('POST', '/users/without-kyc', { body: { externalUserId: newUserId('old') } });
    // No route: API Gateway answers 404; the local gateway 405, since /users/{externalUserId} has other methods.
    expect([404, 405]).toContain(res.status);
    expect(await upstreamCounts(s)).toEqual(before);
  });

  it('dot segments as ids never reach P100: GET /transfers/%2E%2E, PUT /crypto-deposits/%2E%2E/travel-rule', async () => {
    const before = await upstreamCounts(s);
    const get = await rawCall('GET', '/transfers/%2E%2E');
    const put = await rawCall('PUT', '/crypto-deposits/%2E%2E/travel-rule', JSON.stringify({ walletType: 'CUSTODIAL', details: { firstName: 'A' } }));
    for (const [res, field] of [
      [get, 'transferId'],
      [put, 'cryptoDepositId'],
    ] as const) {
      expect(res.status).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body?.errors?.map((e) => e.field)).toContain(field);
    }
    expect(await upstreamCounts(s)).toEqual(before);
  });

  it('a duplicate key and a null body are refused before P100', async () => {
    const id = newUserId('dup');
    await expectRejectedLocally(
      s,
      () =>
        s.call('POST', `/users/${id}/transfers`, {
          rawBody: '{"direction":"FUNDING","amount":"1.00","amount":"90.00","currency":"eur"}',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'dup-key-0001' },
        }),
      'amount',
    );
    const nul = await s.call('POST', '/operations/inbox/replay-dlq', { rawBody: 'null', headers: { 'content-type': 'application/json' } });
    expect(nul.status, nul.text).toBe(400);
  });
});

describe('getUserBalances', () => {
  it("returns an active user's balances with the IBAN issued", async () => {
    const id = newUserId('gb');
    await activeKycUser(s, id, { eur: '12.30' });
    const res = await s.call('GET', `/users/${id}/balances`);
    expect(res.status, res.text).toBe(200);
    const eur = res.body.fiatBalances.find((b: { name: string }) => b.name === 'eur');
    expect(eur).toMatchObject({ amount: '12.30', status: 'ACTIVE', iban: expect.any(String) });
  });

  it('refuses a malformed externalUserId before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', '/users/bad%20id/balances'), 'externalUserId');
  });

  it('maps an unknown user (P412) to 404', async () => {
    expectRefused(await s.call('GET', `/users/${UNKNOWN}/balances`), 404, 'P412');
  });
});

describe('KYC by P100: createKycVerification, getKycVerificationRedirect, getKycStatus, then addUserVerification', () => {
  it('runs the hosted flow to APPROVED, then verification makes the user ACTIVE', async () => {
    const id = newUserId('kyc');
    await createKycUser(s, id);
    const created = await s.call('POST', `/users/${id}/kyc-verification`);
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ verificationId: expect.any(String), status: 'CREATED' });

    const redirect = await s.call('GET', `/users/${id}/kyc-verification/redirect`);
    expect(redirect.status, redirect.text).toBe(200);
    expect(redirect.body.redirectUrl).toMatch(/^https:\/\//);

    await settle(s);
    const status = await s.call('GET', `/users/${id}/kyc-verification`);
    expect(status.status, status.text).toBe(200);
    expect(status.body).toMatchObject({ verificationId: created.body.verificationId, status: 'APPROVED' });

    const verified = await s.call('POST', `/users/${id}/verification`, {
      body: { documentType: 'ID_CARD', documentNumber: 'CEV12630', documentExpiryDate: '2099-12-31', documentIssuingCountry: 'PL' },
    });
    expect(verified.status, verified.text).toBe(202);
    await settle(s);
    expect((await sandboxUser(id)).status).toBe('ACTIVE');
  });

  it('refuses bad input before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('POST', '/users/bad%20id/kyc-verification'), 'externalUserId');
    await expectRejectedLocally(s, () => s.call('POST', `/users/${UNKNOWN}/kyc-verification`, { body: { level: 'full' } }), '(root)');
    await expectRejectedLocally(s, () => s.call('GET', '/users/bad%20id/kyc-verification/redirect'), 'externalUserId');
    await expectRejectedLocally(s, () => s.call('GET', `/users/${UNKNOWN}/kyc-verification?verbose=1`), 'verbose');
    await expectRejectedLocally(
      s,
      () =>
        s.call('POST', `/users/${UNKNOWN}/verification`, {
          body: { documentType: 'ID_CARD', documentNumber: 'X', documentExpiryDate: '31.12.2099', documentIssuingCountry: 'PL' },
        }),
      'documentExpiryDate',
    );
  });

  it('maps P100 refusals: non-KYC user (P467) 409, second open verification (P403) 422, none yet (P466) 404', async () => {
    const nonKyc = newUserId('nk');
    expect((await s.call('POST', '/users-without-kyc', { body: { externalUserId: nonKyc } })).status).toBe(201);
    expectRefused(await s.call('POST', `/users/${nonKyc}/kyc-verification`), 409, 'P467');

    const id = newUserId('kyc');
    await createKycUser(s, id);
    expectRefused(await s.call('GET', `/users/${id}/kyc-verification/redirect`), 404, 'P466');
    expectRefused(await s.call('GET', `/users/${id}/kyc-verification`), 404, 'P466');
    expect((await s.call('POST', `/users/${id}/kyc-verification`)).status).toBe(201);
    expectRefused(await s.call('POST', `/users/${id}/kyc-verification`), 422, 'P403');
  });

  it('maps a verification without accepted KYC documents (P403) to 422', async () => {
    const id = newUserId('ver');
    await createKycUser(s, id);
    const res = await s.call('POST', `/users/${id}/verification`, {
      body: { documentType: 'PASSPORT', documentNumber: 'P1', documentExpiryDate: '2099-01-01', documentIssuingCountry: 'PL' },
    });
    expectRefused(res, 422, 'P403');
  });
});

describe('extendUser', () => {
  it('extends an active KYC user', async () => {
    const id = newUserId('ext');
    await createKycUser(s, id);
    await s.control('POST', `/_sandbox/users/${id}/activate`, { extended: false });
    const res = await s.call('POST', `/users/${id}/extension`);
    expect(res.status, res.text).toBe(200);
    expect((await sandboxUser(id)).extended).toBe(true);
  });

  it('refuses a body (the operation takes none) before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('POST', `/users/${UNKNOWN}/extension`, { body: { tier: 'gold' } }), '(root)');
  });

  it('maps a user not yet verified (P459) to 409', async () => {
    const id = newUserId('ext');
    await createKycUser(s, id);
    expectRefused(await s.call('POST', `/users/${id}/extension`), 409, 'P459');
  });
});

describe('updateUser', () => {
  it("changes the user's address", async () => {
    const id = newUserId('upd');
    await createKycUser(s, id);
    const res = await s.call('PATCH', `/users/${id}`, { body: { city: 'Gdańsk', postCode: '80-001' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.message).toEqual(expect.any(String));
  });

  it('refuses a field that cannot be updated before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('PATCH', `/users/${UNKNOWN}`, { body: { documentNumber: 'X' } }), 'documentNumber');
  });

  it('maps an unknown user (P412) to 404', async () => {
    expectRefused(await s.call('PATCH', `/users/${UNKNOWN}`, { body: { city: 'Kraków' } }), 404, 'P412');
  });
});

describe('suspendUser and unsuspendUser', () => {
  it('suspends (money operations then refused with 409 P455) and lifts the suspension', async () => {
    const id = newUserId('sus');
    await activeKycUser(s, id, { eur: '10' });
    const suspended = await s.call('POST', `/users/${id}/suspension`);
    expect(suspended.status, suspended.text).toBe(200);
    expect((await sandboxUser(id)).status).toBe('SUSPENDED');
    expectRefused(await s.call('POST', `/users/${id}/exchange-locks`, { body: { currencyFrom: 'eur', currencyTo: 'btc', amount: '5' } }), 409, 'P455');

    const lifted = await s.call('DELETE', `/users/${id}/suspension`);
    expect(lifted.status, lifted.text).toBe(200);
    expect((await sandboxUser(id)).status).toBe('ACTIVE');
    expect((await s.call('POST', `/users/${id}/exchange-locks`, { body: { currencyFrom: 'eur', currencyTo: 'btc', amount: '5' } })).status).toBe(201);
  });

  it('refuses a malformed externalUserId before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('POST', '/users/bad%20id/suspension'), 'externalUserId');
    await expectRejectedLocally(s, () => s.call('DELETE', '/users/bad%20id/suspension'), 'externalUserId');
  });

  it('maps an unknown user (P412) to 404', async () => {
    expectRefused(await s.call('POST', `/users/${UNKNOWN}/suspension`), 404, 'P412');
    expectRefused(await s.call('DELETE', `/users/${UNKNOWN}/suspension`), 404, 'P412');
  });
});

describe('deleteUser', () => {
  it('deletes a user, who is unknown afterwards', async () => {
    const id = newUserId('del');
    await createKycUser(s, id);
    const res = await s.call('DELETE', `/users/${id}`);
    expect(res.status, res.text).toBe(200);
    expectRefused(await s.call('GET', `/users/${id}/balances`), 404, 'P412');
  });

  it('refuses a malformed externalUserId before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('DELETE', '/users/bad%20id'), 'externalUserId');
  });

  it('maps an unknown user (P412) to 404', async () => {
    expectRefused(await s.call('DELETE', `/users/${UNKNOWN}`), 404, 'P412');
  });
});

describe('getUserTransactions', () => {
  it("returns one page of the user's history", async () => {
    const id = newUserId('tx');
    await activeKycUser(s, id);
    await s.control('POST', '/_sandbox/seed/history', { externalUserId: id, count: 3 });
    const res = await s.call('GET', `/users/${id}/transactions?pageSize=2&page=2`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ page: 2, pageSize: 2, totalItems: 3, totalPages: 2 });
    expect(res.body.transactions).toHaveLength(1);
    expect(res.body.transactions[0].externalUserId).toBe(id);
  });

  it('refuses page 0 before calling P100', async () => {
    await expectRejectedLocally(s, () => s.call('GET', `/users/${UNKNOWN}/transactions?page=0`), 'page');
  });

  it('maps an unknown user (P412) to 404', async () => {
    expectRefused(await s.call('GET', `/users/${UNKNOWN}/transactions`), 404, 'P412');
  });
});
