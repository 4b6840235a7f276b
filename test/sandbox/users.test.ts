import { afterAll, beforeAll, beforeEach, describe, it, expect } from 'vitest';
import { balanceOf, file, harness, list, obj, receiver, str, waitFor, WEBHOOK_TOKEN, type Harness } from './helpers.js';

let h: Harness;
let hook: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  hook = await receiver();
  h = await harness({ webhookBaseUrl: hook.url });
});
afterAll(async () => {
  await h.close();
  await hook.close();
});
beforeEach(async () => {
  await h.ctl('POST', '/_sandbox/reset', {});
  hook.received.length = 0;
});

const kycBody = (id: string, extra: Record<string, unknown> = {}) => ({
  externalUserId: id,
  email: 'john@example.com',
  phone: '48123123123',
  firstName: 'John',
  lastName: 'Doe',
  address: 'Example 321',
  city: 'Warsaw',
  postCode: '00-001',
  country: 'PL',
  citizenship: 'PL',
  documentType: 'ID_CARD',
  documentNumber: 'CEV12630',
  ...extra,
});

const upload = (fileType: string | null, blobs: Blob[]) => {
  const fd = new FormData();
  if (fileType) fd.append('fileType', fileType);
  for (const b of blobs) fd.append('files', b);
  return fd;
};

describe('KYC user lifecycle', () => {
  it('create → KYC files → verification → asynchronous activation with IBAN, wallets and the user/status webhook', async () => {
    const c = await h.api('POST', '/v1/user/balances/crypto-and-fiat', kycBody('u1'));
    expect(c.status).toBe(201);
    expect(c.json).toMatchObject({ poaRequired: false });
    const fiat = list(obj(c.json['balances'])['fiatBalances'])[0];
    expect(fiat).toMatchObject({ name: 'eur', amount: '0.00', iban: null, status: 'WAITING_TO_BE_ACTIVATED' });

    // Verification before documents: refused.
    const verify = {
      externalUserId: 'u1',
      documentType: 'ID_CARD',
      documentNumber: 'CEV12630',
      documentExpiryDate: '2099-01-01',
      documentIssuingCountry: 'PL',
    };
    expect((await h.api('POST', '/v1/user/verification', verify)).json).toMatchObject({ errorCode: 'P403' });

    for (const t of ['DOCUMENT_FRONT', 'DOCUMENT_BACK', 'SELFIE']) {
      const r = await h.api('POST', '/v1/user/kyc-files/u1', upload(t, [file(1000, 'image/jpeg', 'a.jpg')]));
      expect(r.status).toBe(201);
    }
    await h.settle();
    const added = await waitFor(() => {
      const all = hook.received.filter((x) => x.path === '/webhook/kyc-file/status');
      return all.length === 3 ? all : undefined;
    });
    expect(added.map((x) => x.body['fileType']).sort()).toEqual(['DOCUMENT_BACK', 'DOCUMENT_FRONT', 'SELFIE']);
    expect(added.every((x) => x.body['status'] === 'ADDED' && x.body['externalUserId'] === 'u1')).toBe(true);

    const v = await h.api('POST', '/v1/user/verification', verify);
    expect(v.status).toBe(200);
    // Still waiting until settlement.
    const before = await h.api('GET', '/v1/user/balances/u1');
    expect(list(before.json['fiatBalances'])[0]).toMatchObject({ status: 'WAITING_TO_BE_ACTIVATED' });
    await h.settle();
    const after = await h.api('GET', '/v1/user/balances/u1');
    const eur = list(after.json['fiatBalances'])[0];
    expect(eur).toMatchObject({ status: 'ACTIVE' });
    expect(str(eur?.['iban'])).toMatch(/^LT\d{18}$/);
    expect(list(after.json['cryptoBalances']).every((b) => typeof b['wallet'] === 'string')).toBe(true);
    const status = await waitFor(() => hook.received.find((x) => x.path === '/webhook/user/status'));
    expect(status.body).toEqual({ externalUserId: 'u1', status: 'ACTIVE' });
    expect(status.auth).toBe(WEBHOOK_TOKEN);
    // Verifying twice is refused.
    expect((await h.api('POST', '/v1/user/verification', verify)).json).toMatchObject({ errorCode: 'P403' });
  });

  it('KYC by P100: create, redirect (PENDING), approval webhook, status, then verification', async () => {
    await h.api('POST', '/v1/user/balances/crypto-and-fiat', kycBody('u2'));
    expect((await h.api('GET', '/v1/kyc/status/u2')).json).toMatchObject({ errorCode: 'P466' });
    const k = await h.api('POST', '/v1/kyc', { externalUserId: 'u2' });
    expect(k.status).toBe(201);
    expect(k.json).toMatchObject({ status: 'CREATED' });
    expect((await h.api('POST', '/v1/kyc', { externalUserId: 'u2' })).json).toMatchObject({ errorCode: 'P403' });
    const red = await h.api('GET', '/v1/kyc/redirect/u2');
    expect(str(red.json['redirectUrl'])).toContain(str(k.json['verificationId']));
    expect(Date.parse(str(red.json['expiresAt']))).toBeGreaterThan(Date.now() + 14 * 60 * 1000);
    expect((await h.api('GET', '/v1/kyc/status/u2')).json).toMatchObject({ status: 'PENDING', verificationId: k.json['verificationId'] });
    await h.settle();
    expect((await h.api('GET', '/v1/kyc/status/u2')).json).toMatchObject({ status: 'APPROVED' });
    const kv = await waitFor(() => {
      const all = hook.received.filter((x) => x.path === '/webhook/kyc-verification/status');
      return all.length === 2 ? all : undefined;
    });
    expect(kv.map((x) => x.body['status']).sort()).toEqual(['APPROVED', 'PENDING']);
    const v = await h.api('POST', '/v1/user/verification', {
      externalUserId: 'u2',
      documentType: 'PASSPORT',
      documentNumber: 'X1',
      documentExpiryDate: '2099-01-01',
      documentIssuingCountry: 'PL',
    });
    expect(v.status).toBe(200);
    await h.settle();
    expect((await h.ctl('GET', '/_sandbox/users/u2')).json).toMatchObject({ status: 'ACTIVE' });
  });

  it('control route can reject a KYC verification', async () => {
    await h.api('POST', '/v1/user/balances/crypto-and-fiat', kycBody('u3'));
    await h.api('POST', '/v1/kyc', { externalUserId: 'u3' });
    await h.ctl('POST', '/_sandbox/users/u3/kyc', { status: 'REJECTED' });
    expect((await h.api('GET', '/v1/kyc/status/u3')).json).toMatchObject({ status: 'REJECTED' });
    const v = await h.api('POST', '/v1/user/verification', {
      externalUserId: 'u3',
      documentType: 'PASSPORT',
      documentNumber: 'X1',
      documentExpiryDate: '2099-01-01',
      documentIssuingCountry: 'PL',
    });
    expect(v.json).toMatchObject({ errorCode: 'P403' });
  });

  it('create validation: required fields, enums, both revisions, duplicates', async () => {
    expect((await h.api('POST', '/v1/user/balances/crypto-and-fiat', { externalUserId: 'x' })).json).toMatchObject({
      errorCode: 'P403',
      errorName: 'validation-error',
    });
    expect((await h.api('POST', '/v1/user/balances/crypto-and-fiat', kycBody('x', { documentType: 'DRIVING' }))).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/user/balances/crypto-and-fiat', kycBody('x', { hasAcceptedP100Tc: false }))).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/user/balances/crypto-and-fiat', kycBody('x', { country: 'Poland' }))).json).toMatchObject({ errorCode: 'P403' });
    const revC = await h.api('POST', '/v1/user/balances/crypto-and-fiat', {
      externalUserId: 'revc',
      email: 'a@b.c',
      phone: '48123123123',
      firstName: 'A',
      lastName: 'B',
      street: 'S',
      number: '1',
      city: 'C',
      postCode: '1',
      country: 'UA',
      citizenship: 'UA',
      nationality: 'UA',
      birthCountry: 'UA',
      birthDate: '1990-05-15',
      userIdentificationNumber: '1',
      hasAcceptedP100Tc: true,
    });
    expect(revC.status).toBe(201);
    expect(revC.json).toMatchObject({ poaRequired: true, poaRequiredForExtended: true });
    const dup = await h.api('POST', '/v1/user/balances/crypto', { externalUserId: 'revc' });
    expect(dup.status).toBe(400);
    expect(dup.json).toEqual({ errorCode: 'P411', errorName: 'user-exists' });
  });

  it('non-KYC users: flat balances, automatic activation, KYC-only calls refused with P467', async () => {
    const c = await h.api('POST', '/v1/user/balances/crypto', {
      externalUserId: 'n1',
      email: 'n@x.io',
      documentType: 'PASSPORT',
      pesel: '12345678901',
      birthDate: '1990-01-01',
    });
    expect(c.status).toBe(201);
    const eur = list(c.json['balances']).find((b) => b['name'] === 'eur');
    expect(eur).toEqual({ id: eur?.['id'], amount: '0.00', name: 'eur', wallet: null, rate: 1 });
    await h.settle();
    const b = await h.api('GET', '/v1/user/balances/n1');
    expect(Object.keys(b.json).sort()).toEqual(['balances', 'status', 'userId']);
    expect(list(b.json['balances']).find((x) => x['name'] === 'eth')?.['wallet']).toMatch(/^0x[0-9a-f]{40}$/);
    expect((await h.api('POST', '/v1/kyc', { externalUserId: 'n1' })).json).toMatchObject({ errorCode: 'P467' });
    expect((await h.api('GET', '/v1/user/sepa-deposit/info/n1')).json).toMatchObject({ errorCode: 'P467' });
    expect((await h.api('POST', '/v1/card/virtual', { externalUserId: 'n1', label: 'x', pin: '1234' })).json).toMatchObject({ errorCode: 'P467' });
    expect((await h.api('POST', '/v1/user/kyc-files/n1', upload('SELFIE', [file(10, 'image/png')]))).json).toMatchObject({ errorCode: 'P467' });
  });

  it('POA: multipart limits, P211 pending (202), approval webhook, P447 afterwards', async () => {
    await h.api('POST', '/v1/user/balances/crypto-and-fiat', kycBody('p1', { country: 'GE' }));
    const four = [1, 2, 3, 4].map(() => file(10, 'application/pdf'));
    expect((await h.api('POST', '/v1/user/poa-files/p1', upload(null, four))).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/user/poa-files/p1', upload(null, []))).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/user/poa-files/p1', upload(null, [file(10, 'text/plain', 'a.txt')]))).json).toMatchObject({ errorCode: 'P426' });
    expect((await h.api('POST', '/v1/user/poa-files/p1', upload(null, [file(5 * 1024 * 1024 + 1, 'image/png', 'big.png')]))).json).toMatchObject({
      errorCode: 'P440',
    });
    const json = await h.api('POST', '/v1/user/poa-files/p1', { files: [] });
    expect(json.json).toMatchObject({ errorCode: 'P403' });
    const ok = await h.api(
      'POST',
      '/v1/user/poa-files/p1',
      upload(null, [file(5 * 1024 * 1024, 'image/jpg', 'a.jpg'), file(100, 'image/png', 'b.png'), file(100, 'application/pdf')]),
    );
    expect(ok.status).toBe(201);
    const pending = await h.api('POST', '/v1/user/poa-files/p1', upload(null, [file(10, 'application/pdf')]));
    expect(pending.status).toBe(202);
    expect(pending.json).toMatchObject({ errorCode: 'P211' });
    await h.settle();
    const poa = await waitFor(() => {
      const all = hook.received.filter((x) => x.path === '/webhook/poa-verification/status');
      return all.length === 2 ? all : undefined;
    });
    expect(poa.map((x) => x.body['status']).sort()).toEqual(['APPROVED', 'WAITING']);
    expect((await h.api('POST', '/v1/user/poa-files/p1', upload(null, [file(10, 'application/pdf')]))).json).toMatchObject({ errorCode: 'P447' });
    expect((await h.api('POST', '/v1/user/poa-files/nobody', upload(null, [file(10, 'application/pdf')]))).json).toMatchObject({ errorCode: 'P412' });
  });

  it('update, extend, suspend (money → P455), unsuspend, delete (→ P412)', async () => {
    await h.activeUser('s1', { eur: '100' });
    expect((await h.api('PATCH', '/v1/user/s1', { city: 'Krakow', email: 'new@example.com' })).status).toBe(200);
    expect((await h.api('PATCH', '/v1/user/s1', { externalUserId: 'other' })).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('PATCH', '/v1/user/s1', {})).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/user/balances/extended', { externalUserId: 's1' })).status).toBe(200);

    expect((await h.api('PATCH', '/v1/user/suspend/s1')).status).toBe(200);
    const lock = await h.api('GET', '/v1/exchange/lock?externalUserId=s1&currencyFrom=eur&currencyTo=btc&amount=10');
    expect(lock.status).toBe(400);
    expect(lock.json).toEqual({ errorCode: 'P455', errorName: 'user-suspended' });
    expect((await h.api('POST', '/v1/transfer', { sourceExternalUserId: 's1', amount: '1.00', currency: 'eur' })).json).toMatchObject({ errorCode: 'P455' });
    expect(
      (
        await h.api('POST', '/v1/crypto-withdrawal', {
          sourceExternalUserId: 's1',
          currency: 'eth',
          amount: '1',
          walletAddress: '0xabc',
          name: 'J',
          walletType: 'OTHER',
          receiverType: 'NATURAL',
        })
      ).json,
    ).toMatchObject({ errorCode: 'P455' });
    expect((await h.api('POST', '/v1/card/virtual', { externalUserId: 's1', label: 'x', pin: '1234' })).json).toMatchObject({ errorCode: 'P455' });
    expect((await h.ctl('GET', '/_sandbox/users/s1')).json).toMatchObject({ status: 'SUSPENDED' });

    expect((await h.api('PATCH', '/v1/user/unsuspend/s1')).status).toBe(200);
    expect((await h.api('GET', '/v1/exchange/lock?externalUserId=s1&currencyFrom=eur&currencyTo=btc&amount=10')).status).toBe(200);
    await waitFor(() => hook.received.filter((x) => x.path === '/webhook/user/status').length >= 3);
    expect(hook.received.filter((x) => x.path === '/webhook/user/status').map((x) => x.body['status'])).toEqual(['ACTIVE', 'SUSPENDED', 'ACTIVE']);

    expect((await h.api('DELETE', '/v1/user/s1')).status).toBe(200);
    expect((await h.api('GET', '/v1/user/balances/s1')).json).toMatchObject({ errorCode: 'P412' });
    expect((await h.api('DELETE', '/v1/user/s1')).json).toMatchObject({ errorCode: 'P412' });
    expect((await h.api('PATCH', '/v1/user/suspend/s1')).json).toMatchObject({ errorCode: 'P412' });
  });

  it('money calls for a user not yet verified → P459, extend needs an active user', async () => {
    await h.api('POST', '/v1/user/balances/crypto-and-fiat', kycBody('w1'));
    expect((await h.api('GET', '/v1/exchange/lock?externalUserId=w1&currencyFrom=eur&currencyTo=btc&amount=10')).json).toMatchObject({ errorCode: 'P459' });
    expect((await h.api('POST', '/v1/user/balances/extended', { externalUserId: 'w1' })).json).toMatchObject({ errorCode: 'P459' });
    const b = await h.api('GET', '/v1/user/balances/w1');
    expect(balanceOf(b.json, 'btc')).toBe('0.00000000');
    expect(balanceOf(b.json, 'usdc')).toBe('0.000000');
  });
});
