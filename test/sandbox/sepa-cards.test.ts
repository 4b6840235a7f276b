import { afterAll, beforeAll, beforeEach, describe, it, expect } from 'vitest';
import { balanceOf, harness, list, receiver, str, waitFor, type Harness } from './helpers.js';

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
  await h.ctl('POST', '/_sandbox/config', { sepaLevel: 1 });
  hook.received.length = 0;
});

const hooks = (path: string) => hook.received.filter((x) => x.path === path);
const OWN_IBAN = 'PL61109010140000071219812874';

describe('SEPA', () => {
  it('deposit: IBAN status PENDING → APPROVED on a name match, credit, whitelisting; then a level-1 payout to it', async () => {
    await h.activeUser('s1');
    const info = (await h.api('GET', '/v1/user/sepa-deposit/info/s1')).json;
    expect(info).toMatchObject({ iban: 'LT333130010135556427', swift: 'BZENLT22', accountHolder: 'P100 sp. z o.o.' });
    expect(str(info['title'])).not.toBe(str((await h.api('GET', '/v1/partner/sepa-deposit/info')).json['title']));

    const body = { sourceExternalUserId: 's1', amount: '10.00', currency: 'eur', destinationIban: OWN_IBAN, transferTitle: 'payout' };
    // Not whitelisted yet.
    expect((await h.api('POST', '/v1/sepa-transfer', body)).json).toMatchObject({ errorCode: 'P403' });

    const dep = { depositId: 'sd-1', externalUserId: 's1', amount: '500.00', senderName: 'Jan Kowalski', senderIban: OWN_IBAN };
    expect((await h.ctl('POST', '/_sandbox/deposits/sepa', dep)).status).toBe(201);
    expect((await h.ctl('POST', '/_sandbox/deposits/sepa', dep)).json).toMatchObject({ id: 'sd-1', replayed: true });
    await h.settle();
    expect(balanceOf((await h.api('GET', '/v1/user/balances/s1')).json, 'eur')).toBe('500.00');
    const iban = await waitFor(() => (hooks('/webhook/iban/status').length === 2 ? hooks('/webhook/iban/status') : undefined));
    expect(iban.map((x) => x.body['status'])).toEqual(['PENDING', 'APPROVED']);
    expect(iban[1]?.body).toMatchObject({ externalUserId: 's1', depositId: 'sd-1', iban: OWN_IBAN });
    const sd = await waitFor(() => hooks('/webhook/sepa-deposit/status')[0]);
    expect(sd.body).toMatchObject({ id: 'sd-1', amount: '500.00', currency: 'eur', senderName: 'Jan Kowalski', status: 'SUCCESSFUL', title: info['title'] });

    // Level 1 refuses receiver fields.
    expect((await h.api('POST', '/v1/sepa-transfer', { ...body, receiverType: 'NATURAL' })).json).toMatchObject({ errorCode: 'P403' });
    const t = await h.api('POST', '/v1/sepa-transfer', { ...body, amount: '1500', destinationIban: 'pl61 1090 1014 0000 0712 1981 2874' });
    expect(t.status).toBe(200);
    const ok = await h.api('POST', '/v1/sepa-transfer', body);
    await h.settle();
    // 1500 + fee does not fit in 500 → FAILED with an error; 10 + €1.00 minimum fee succeeds.
    const failed = (await h.api('GET', `/v1/sepa-transfer/details/${str(t.json['transferId'])}`)).json;
    expect(failed).toMatchObject({ status: 'FAILED', fee: 1.5, error: { description: 'Insufficient funds' } });
    const done = (await h.api('GET', `/v1/sepa-transfer/details/${str(ok.json['transferId'])}`)).json;
    expect(done).toMatchObject({
      type: 'external',
      amount: '10.00',
      fee: 1,
      status: 'SUCCESSFUL',
      currency: 'eur',
      destinationIban: OWN_IBAN,
      user: { externalUserId: 's1' },
    });
    expect(balanceOf((await h.api('GET', '/v1/user/balances/s1')).json, 'eur')).toBe('489.00');
    const st = await waitFor(() => (hooks('/webhook/sepa-transfer/status').length === 2 ? hooks('/webhook/sepa-transfer/status') : undefined));
    expect(st.map((x) => x.body['status']).sort()).toEqual(['FAILED', 'SUCCESSFUL']);
    expect(st.find((x) => x.body['status'] === 'FAILED')?.body).toMatchObject({ id: t.json['transferId'], error: { description: 'Insufficient funds' } });
    expect((await h.api('GET', '/v1/sepa-transfer/details/nope')).json).toEqual({ errorCode: 'P428', errorName: 'sepa-transfer-not-found' });
  });

  it('a name mismatch rejects the deposit: no credit, no whitelisting', async () => {
    await h.activeUser('s2');
    await h.ctl('POST', '/_sandbox/deposits/sepa', { depositId: 'sd-2', externalUserId: 's2', amount: '50', senderName: 'Someone Else', senderIban: OWN_IBAN });
    await h.settle();
    expect((await h.ctl('GET', '/_sandbox/operations/sd-2')).json).toMatchObject({ status: 'REJECTED' });
    expect(balanceOf((await h.api('GET', '/v1/user/balances/s2')).json, 'eur')).toBe('0.00');
    expect(
      (await h.api('POST', '/v1/sepa-transfer', { sourceExternalUserId: 's2', amount: '1', currency: 'eur', destinationIban: OWN_IBAN, transferTitle: 'x' }))
        .json,
    ).toMatchObject({ errorCode: 'P403' });
  });

  it('level 2 requires receiver fields by receiverType; partner transfers debit the partner', async () => {
    await h.ctl('POST', '/_sandbox/config', { sepaLevel: 2 });
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '3000' });
    const base = { amount: '2000', currency: 'eur', destinationIban: 'DE89370400440532013000', transferTitle: 'Invoice 7' };
    expect((await h.api('POST', '/v1/partner/sepa-transfer', base)).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/partner/sepa-transfer', { ...base, receiverType: 'NATURAL', receiverFirstName: 'A' })).json).toMatchObject({
      errorCode: 'P403',
    });
    expect((await h.api('POST', '/v1/partner/sepa-transfer', { ...base, receiverType: 'LEGAL' })).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/partner/sepa-transfer', { ...base, currency: 'btc', receiverType: 'LEGAL', companyName: 'ACME' })).json).toMatchObject({
      errorCode: 'P403',
    });
    expect(
      (await h.api('POST', '/v1/partner/sepa-transfer', { ...base, destinationIban: 'nope', receiverType: 'LEGAL', companyName: 'ACME' })).json,
    ).toMatchObject({ errorCode: 'P403' });
    const r = await h.api('POST', '/v1/partner/sepa-transfer', { ...base, receiverType: 'NATURAL', receiverFirstName: 'Ann', receiverLastName: 'Lee' });
    expect(r.status).toBe(200);
    await h.settle();
    expect((await h.api('GET', `/v1/sepa-transfer/details/${str(r.json['transferId'])}`)).json).toMatchObject({
      status: 'SUCCESSFUL',
      fee: 2,
      receiverFirstName: 'Ann',
    });
    expect(balanceOf((await h.api('GET', '/v1/partner/balances')).json, 'eur')).toBe('998.00');
  });
});

describe('virtual cards', () => {
  it('create, list, details, PIN, block/unblock, limits, delete', async () => {
    await h.activeUser('c1');
    expect((await h.api('POST', '/v1/card/virtual', { externalUserId: 'c1', label: 'x', pin: '12a4' })).json).toMatchObject({ errorCode: 'P403' });
    const c = await h.api('POST', '/v1/card/virtual', { externalUserId: 'c1', label: 'Shopping', pin: '1234' });
    expect(c.status).toBe(201);
    expect(str(c.json['cardNumber'])).toMatch(/^5\d{15}$/);
    expect(str(c.json['cvv'])).toMatch(/^\d{3}$/);
    expect(str(c.json['exp'])).toMatch(/^\d{2}\/\d{2}$/);
    const id = str(c.json['cardId']);
    expect((await h.api('GET', '/v1/card/all/c1')).json).toEqual({
      cards: [{ cardId: id, status: 'ACTIVE', label: 'Shopping', cardLastDigits: str(c.json['cardNumber']).slice(-4) }],
    });
    expect((await h.api('GET', `/v1/card/details/c1/${id}`)).json).toEqual({
      status: 'ACTIVE',
      cardNumber: c.json['cardNumber'],
      cvv: c.json['cvv'],
      exp: c.json['exp'],
    });
    expect((await h.api('GET', '/v1/card/details/c1/nope')).json).toMatchObject({ errorCode: 'P434' });
    expect((await h.api('PATCH', '/v1/card/pin', { externalUserId: 'c1', cardId: id, pin: '9999' })).status).toBe(200);
    expect((await h.api('PATCH', '/v1/card/pin', { externalUserId: 'c1', cardId: id, pin: '99999' })).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('PATCH', '/v1/card/block', { externalUserId: 'c1', cardId: id })).status).toBe(200);
    expect((await h.api('GET', '/v1/card/all/c1')).json).toMatchObject({ cards: [{ status: 'LOCKED_BY_USER' }] });
    expect((await h.api('PATCH', '/v1/card/unblock', { externalUserId: 'c1', cardId: id })).status).toBe(200);
    const limits = (await h.api('GET', `/v1/card/limits/c1/${id}`)).json;
    expect(Object.keys(limits).sort()).toEqual(['dailyTrxAll', 'dailyTrxAtm', 'dailyTrxEcom', 'monthlyTrxAll', 'monthlyTrxAtm', 'monthlyTrxEcom']);
    const next = { monthlyTrxAll: 500, dailyTrxAll: 100, monthlyTrxAtm: 0, dailyTrxAtm: 0, monthlyTrxEcom: 300, dailyTrxEcom: 50 };
    expect((await h.api('PATCH', '/v1/card/limits', { externalUserId: 'c1', cardId: id, ...next, dailyTrxAll: 600 })).json).toMatchObject({
      errorCode: 'P403',
    });
    expect((await h.api('PATCH', '/v1/card/limits', { externalUserId: 'c1', cardId: id, monthlyTrxAll: 1 })).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('PATCH', '/v1/card/limits', { externalUserId: 'c1', cardId: id, ...next })).status).toBe(200);
    expect((await h.api('GET', `/v1/card/limits/c1/${id}`)).json).toEqual(next);
    expect((await h.api('DELETE', '/v1/card', { externalUserId: 'c1', cardId: id })).status).toBe(200);
    expect((await h.api('GET', `/v1/card/details/c1/${id}`)).json).toMatchObject({ errorCode: 'P434' });
    expect((await h.api('GET', '/v1/card/all/c1')).json).toEqual({ cards: [] });
  });

  it('not extended → P461, not verified → P459, unknown user → P412', async () => {
    await h.api('POST', '/v1/user/balances/crypto-and-fiat', { externalUserId: 'c2', citizenship: 'PL' });
    expect((await h.api('POST', '/v1/card/virtual', { externalUserId: 'c2', label: 'x', pin: '1234' })).json).toMatchObject({ errorCode: 'P459' });
    await h.ctl('POST', '/_sandbox/users/c2/activate', { extended: false });
    expect((await h.api('POST', '/v1/card/virtual', { externalUserId: 'c2', label: 'x', pin: '1234' })).json).toEqual({
      errorCode: 'P461',
      errorName: 'user-not-extended',
    });
    expect((await h.api('POST', '/v1/card/virtual', { externalUserId: 'ghost', label: 'x', pin: '1234' })).json).toMatchObject({ errorCode: 'P412' });
  });

  it('creation windows on the sandbox clock: 5/24 h, 10/30 d, 20/12 months; at most 10 active or locked (P462)', async () => {
    await h.activeUser('c3');
    const create = () => h.api('POST', '/v1/card/virtual', { externalUserId: 'c3', label: 'l', pin: '1234' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(str((await create()).json['cardId']));
    expect((await create()).json).toMatchObject({ errorCode: 'P463' });
    await h.ctl('POST', '/_sandbox/clock/advance', { ms: 24 * 3600 * 1000 });
    for (let i = 0; i < 5; i++) ids.push(str((await create()).json['cardId']));
    await h.ctl('POST', '/_sandbox/clock/advance', { ms: 24 * 3600 * 1000 });
    // 10 usable cards: the cap wins over the 30-day window.
    expect((await create()).json).toMatchObject({ errorCode: 'P462' });
    await h.api('DELETE', '/v1/card', { externalUserId: 'c3', cardId: ids[0] });
    expect((await create()).json).toMatchObject({ errorCode: 'P463' });
    await h.ctl('POST', '/_sandbox/clock/advance', { ms: 30 * 24 * 3600 * 1000 });
    const more = await create();
    expect(more.status).toBe(201);
  });

  it('card transactions, 3DS and activation codes via control routes, idempotent on ids', async () => {
    await h.activeUser('c4', { eur: '100' });
    const id = str((await h.api('POST', '/v1/card/virtual', { externalUserId: 'c4', label: 'l', pin: '1234' })).json['cardId']);
    const tx = { transactionId: 'tx-1', amount: '30.00', merchantName: 'Coffee' };
    expect((await h.ctl('POST', `/_sandbox/cards/${id}/transactions`, tx)).json).toMatchObject({ status: 'AUTHORIZED', replayed: false });
    expect((await h.ctl('POST', `/_sandbox/cards/${id}/transactions`, tx)).json).toMatchObject({ replayed: true });
    expect(balanceOf((await h.api('GET', '/v1/user/balances/c4')).json, 'eur')).toBe('70.00');
    expect((await h.ctl('POST', `/_sandbox/cards/${id}/transactions`, { ...tx, status: 'REVERSED' })).json).toMatchObject({ status: 'REVERSED' });
    expect(balanceOf((await h.api('GET', '/v1/user/balances/c4')).json, 'eur')).toBe('100.00');
    expect((await h.ctl('POST', `/_sandbox/cards/${id}/transactions`, { amount: '500', merchantName: 'TV' })).json).toMatchObject({ status: 'DECLINED' });
    const txs = await waitFor(() => (hooks('/webhook/card/transaction').length === 3 ? hooks('/webhook/card/transaction') : undefined));
    expect(txs.map((x) => x.body['status'])).toEqual(['AUTHORIZED', 'REVERSED', 'DECLINED']);
    expect(txs[0]?.body).toMatchObject({ transactionId: 'tx-1', externalUserId: 'c4', cardId: id, amount: '30.00', currency: 'eur', merchantName: 'Coffee' });

    expect((await h.ctl('POST', `/_sandbox/cards/${id}/3ds`, { code: '123456' })).status).toBe(201);
    expect((await h.ctl('POST', `/_sandbox/cards/${id}/3ds`, { code: '123456' })).json).toMatchObject({ replayed: true });
    expect((await h.ctl('POST', `/_sandbox/cards/${id}/activation-code`, { code: '4321' })).status).toBe(201);
    const codes = await waitFor(() => hooks('/webhook/card/activation-code')[0]);
    expect(codes.body).toEqual({ externalUserId: 'c4', cardId: id, code: '4321' });
    expect(hooks('/webhook/card/3ds-code')).toHaveLength(1);
    expect(hooks('/webhook/card/3ds-code')[0]?.body).toMatchObject({ code: '123456', cardId: id });
    const hist = list((await h.api('GET', '/v1/user/transactions/c4')).json['transactions']);
    expect(hist.map((e) => e['type'])).toEqual(['CARD_TRANSACTION', 'CARD_TRANSACTION']);
  });
});
