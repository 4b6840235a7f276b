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
  hook.received.length = 0;
});

const bal = async (id: string, name: string) => balanceOf((await h.api('GET', `/v1/user/balances/${id}`)).json, name);
const hooks = (path: string) => hook.received.filter((x) => x.path === path);

describe('exchange', () => {
  it('rate is deterministic and configurable; lock + exchange settle asynchronously with the 1.49 % fee', async () => {
    const rate = await h.api('GET', '/v1/exchange/rate?currencyFrom=btc&currencyTo=eur&amount=0.5');
    expect(rate.json).toEqual({ currencyFrom: 'btc', currencyTo: 'eur', rate: '102178.03394219', amount: '0.50000000', amountTo: '51089.01' });
    await h.ctl('POST', '/_sandbox/config', { rates: { btc: '100000' } });
    expect((await h.api('GET', '/v1/exchange/rate?currencyFrom=BTC&currencyTo=eur&amount=0.5')).json).toMatchObject({ rate: '100000', amountTo: '50000.00' });

    await h.activeUser('e1', { btc: '1' });
    const lock = await h.api('GET', '/v1/exchange/lock?externalUserId=e1&currencyFrom=btc&currencyTo=eur&amount=0.5');
    expect(lock.json).toMatchObject({ amountTo: '50000.00', rate: '100000' });
    expect(Date.parse(str(lock.json['expiresAt'])) - Date.now()).toBeGreaterThan(55_000);
    const ex = await h.api('POST', '/v1/exchange', { externalUserId: 'e1', amount: 0.5, currencyFrom: 'btc', currencyTo: 'eur', lockId: lock.json['lockId'] });
    expect(ex.status).toBe(200);
    const id = str(ex.json['exchangeId']);
    expect((await h.api('GET', `/v1/exchange/details/${id}`)).json).toMatchObject({ status: 'PENDING' });
    expect(await bal('e1', 'btc')).toBe('1.00000000');
    await h.settle();
    const d = await h.api('GET', `/v1/exchange/details/${id}`);
    expect(d.json).toMatchObject({ id, externalUserId: 'e1', status: 'COMPLETED', amount: '0.50000000', amountTo: '50000.00', fee: '745.00' });
    expect(await bal('e1', 'btc')).toBe('0.50000000');
    expect(await bal('e1', 'eur')).toBe('49255.00');
    const wh = await waitFor(() => hooks('/webhook/exchange/status')[0]);
    expect(wh.body).toMatchObject({ exchangeId: id, externalUserId: 'e1', status: 'COMPLETED', amountTo: '50000.00' });
    // A lock is single use.
    const again = await h.api('POST', '/v1/exchange', {
      externalUserId: 'e1',
      amount: '0.5',
      currencyFrom: 'btc',
      currencyTo: 'eur',
      lockId: lock.json['lockId'],
    });
    expect(again.json).toMatchObject({ errorCode: 'P465' });
  });

  it('locks expire after 60 s on the sandbox clock (P464); mismatched or foreign locks → P465', async () => {
    await h.activeUser('e2', { eur: '100' });
    await h.activeUser('e3', { eur: '100' });
    const lock = (await h.api('GET', '/v1/exchange/lock?externalUserId=e2&currencyFrom=eur&currencyTo=eth&amount=10')).json;
    const body = { externalUserId: 'e2', amount: '10', currencyFrom: 'eur', currencyTo: 'eth', lockId: lock['lockId'] };
    expect((await h.api('POST', '/v1/exchange', { ...body, amount: '11' })).json).toMatchObject({ errorCode: 'P465' });
    expect((await h.api('POST', '/v1/exchange', { ...body, externalUserId: 'e3' })).json).toMatchObject({ errorCode: 'P465' });
    expect((await h.api('POST', '/v1/partner/exchange', { ...body, externalUserId: undefined })).json).toMatchObject({ errorCode: 'P465' });
    expect((await h.api('POST', '/v1/exchange', { ...body, lockId: '00000000-0000-4000-8000-000000000000' })).json).toMatchObject({ errorCode: 'P465' });
    await h.ctl('POST', '/_sandbox/clock/advance', { ms: 60_000 });
    const expired = await h.api('POST', '/v1/exchange', body);
    expect(expired.status).toBe(400);
    expect(expired.json).toEqual({ errorCode: 'P464', errorName: 'lock-expired' });
  });

  it('validation: unknown currency P410, same currency / bad amount P403; insufficient funds settles FAILED', async () => {
    expect((await h.api('GET', '/v1/exchange/rate?currencyFrom=xyz&currencyTo=eur&amount=1')).json).toMatchObject({ errorCode: 'P410' });
    expect((await h.api('GET', '/v1/exchange/rate?currencyFrom=eur&currencyTo=eur&amount=1')).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('GET', '/v1/exchange/rate?currencyFrom=eur&currencyTo=btc&amount=1.001')).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('GET', '/v1/exchange/rate?currencyFrom=eur&currencyTo=btc')).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('GET', '/v1/exchange/details/nope')).status).toBe(404);
    await h.activeUser('e4', { eur: '5' });
    const lock = (await h.api('GET', '/v1/exchange/lock?externalUserId=e4&currencyFrom=eur&currencyTo=usdc&amount=10')).json;
    const ex = await h.api('POST', '/v1/exchange', { externalUserId: 'e4', amount: '10', currencyFrom: 'eur', currencyTo: 'usdc', lockId: lock['lockId'] });
    expect(ex.status).toBe(200);
    await h.settle();
    expect((await h.api('GET', `/v1/exchange/details/${str(ex.json['exchangeId'])}`)).json).toMatchObject({ status: 'FAILED' });
    expect(await bal('e4', 'eur')).toBe('5.00');
  });

  it('partner exchange moves partner balances', async () => {
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '1000' });
    const lock = (await h.api('GET', '/v1/partner/exchange/lock?currencyFrom=eur&currencyTo=usdt&amount=100')).json;
    const ex = await h.api('POST', '/v1/partner/exchange', { amount: 100, currencyFrom: 'eur', currencyTo: 'usdt', lockId: lock['lockId'] });
    await h.settle();
    expect((await h.api('GET', `/v1/exchange/details/${str(ex.json['exchangeId'])}`)).json).toMatchObject({ externalUserId: null, status: 'COMPLETED' });
    const pb = (await h.api('GET', '/v1/partner/balances')).json;
    expect(balanceOf(pb, 'eur')).toBe('900.00');
    expect(balanceOf(pb, 'usdt')).not.toBe('0.000000');
  });
});

describe('crypto deposits', () => {
  it('travel-rule deposit waits for Update Travel Rule, then credits; replays of the control route create nothing', async () => {
    await h.activeUser('d1');
    const dep = { depositId: 'dep-1', externalUserId: 'd1', currency: 'eth', amount: '0.5', travelRule: true };
    const first = await h.ctl('POST', '/_sandbox/deposits/crypto', dep);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ cryptoDepositId: 'dep-1', status: 'WAITING_FOR_VERIFICATION', replayed: false });
    const replay = await h.ctl('POST', '/_sandbox/deposits/crypto', dep);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ cryptoDepositId: 'dep-1', replayed: true });
    expect((await h.ctl('GET', '/_sandbox/operations?type=CRYPTO_DEPOSIT')).json['total']).toBe(1);

    const tr = { walletType: 'SELF_CUSTODY', externalUserId: 'd1', details: { iAmOwnerOfWallet: true } };
    expect((await h.api('PATCH', '/v1/crypto-deposit/update-travel-rule/dep-1', tr)).json).toMatchObject({ errorCode: 'P403' });
    await h.settle();
    expect((await h.ctl('GET', '/_sandbox/operations/dep-1')).json).toMatchObject({ status: 'WAITING_FOR_TR_DATA' });
    expect(await bal('d1', 'eth')).toBe('0.00000000');
    expect((await h.api('PATCH', '/v1/crypto-deposit/update-travel-rule/dep-1', { ...tr, walletType: 'HOT' })).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('PATCH', '/v1/crypto-deposit/update-travel-rule/nope', tr)).json).toMatchObject({ errorCode: 'P466' });
    expect((await h.api('PATCH', '/v1/crypto-deposit/update-travel-rule/dep-1', tr)).status).toBe(200);
    await h.settle();
    expect(await bal('d1', 'eth')).toBe('0.50000000');
    const statuses = await waitFor(() => {
      const s = hooks('/webhook/crypto-deposit/status').map((x) => x.body['status']);
      return s.length === 3 ? s : undefined;
    });
    expect(statuses).toEqual(['WAITING_FOR_VERIFICATION', 'WAITING_FOR_TR_DATA', 'SUCCESSFUL']);
    const history = (await h.api('GET', '/v1/user/transactions/d1')).json;
    expect(list(history['transactions'])).toMatchObject([
      { type: 'CRYPTO_DEPOSIT', referenceId: 'dep-1', status: 'SUCCESSFUL', direction: 'IN', amount: '0.50000000' },
    ]);
  });

  it('deposit below minDeposit is UNSUCCESSFUL and credits nothing', async () => {
    await h.activeUser('d2');
    await h.ctl('POST', '/_sandbox/deposits/crypto', { depositId: 'small', externalUserId: 'd2', currency: 'usdc', network: 'polygon', amount: '1' });
    await h.settle();
    expect((await h.ctl('GET', '/_sandbox/operations/small')).json).toMatchObject({ status: 'UNSUCCESSFUL' });
    expect(await bal('d2', 'usdc')).toBe('0.000000');
  });
});

describe('crypto withdrawals', () => {
  const wd = (extra: Record<string, unknown> = {}) => ({
    sourceExternalUserId: 'w1',
    currency: 'usdc',
    amount: '20',
    walletAddress: '0xdest',
    network: 'POLYGON',
    name: 'Jan Kowalski',
    walletType: 'NON_CUSTODIAL',
    receiverType: 'NATURAL',
    ...extra,
  });

  it('network fee, service fee and amount are all debited; PROCESSING then SUCCESSFUL with a hash', async () => {
    expect((await h.api('GET', '/v1/crypto-withdrawal/get-network-fee?currency=usdt&network=polygon')).json).toEqual({ networkFee: 0.000469 });
    expect((await h.api('GET', '/v1/crypto-withdrawal/get-network-fee?currency=abc')).json).toMatchObject({ errorCode: 'P410' });
    expect((await h.api('GET', '/v1/crypto-withdrawal/get-network-fee?currency=btc&network=polygon')).json).toMatchObject({ errorCode: 'P403' });
    await h.activeUser('w1', { usdc: '100' });
    const r = await h.api('POST', '/v1/crypto-withdrawal', wd());
    expect(r.status).toBe(200);
    const id = str(r.json['withdrawalId']);
    await h.settle();
    const d = (await h.api('GET', `/v1/crypto-withdrawal/details/${id}`)).json;
    expect(d).toMatchObject({ id, status: 'SUCCESSFUL', amount: '20.000000', fee: '0.500000', networkFee: '0.000469', network: 'polygon' });
    expect(str(d['transactionHash'])).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await bal('w1', 'usdc')).toBe('79.499531');
    const s = await waitFor(() => {
      const all = hooks('/webhook/crypto-withdrawal/status').map((x) => x.body['status']);
      return all.length === 2 ? all : undefined;
    });
    expect(s).toEqual(['PROCESSING', 'SUCCESSFUL']);
  });

  it('below minimum → sync P403; missing fields and bad enums → P403; insufficient funds → settles FAILED (P433)', async () => {
    await h.activeUser('w1', { usdc: '20' });
    expect((await h.api('POST', '/v1/crypto-withdrawal', wd({ amount: '14.99' }))).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/crypto-withdrawal', wd({ walletType: 'HOT' }))).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/crypto-withdrawal', wd({ name: undefined }))).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/crypto-withdrawal', wd({ currency: 'eur' }))).json).toMatchObject({ errorCode: 'P410' });
    expect((await h.api('POST', '/v1/crypto-withdrawal', wd({ sourceExternalUserId: 'ghost' }))).json).toMatchObject({ errorCode: 'P412' });
    const r = await h.api('POST', '/v1/crypto-withdrawal', wd({ amount: '20' }));
    expect(r.status).toBe(200);
    await h.settle();
    const d = (await h.api('GET', `/v1/crypto-withdrawal/details/${str(r.json['withdrawalId'])}`)).json;
    expect(d).toMatchObject({ status: 'FAILED', error: { errorCode: 'P433' } });
    expect(await bal('w1', 'usdc')).toBe('20.000000');
    expect((await h.api('GET', '/v1/crypto-withdrawal/details/none')).json).toMatchObject({ errorCode: 'P466' });
  });

  it('partner withdrawal debits the partner balance', async () => {
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'btc', amount: '1' });
    const { sourceExternalUserId: _s, ...body } = wd({ currency: 'btc', amount: '0.001', network: undefined });
    const r = await h.api('POST', '/v1/partner/crypto-withdrawal', body);
    await h.settle();
    expect((await h.api('GET', `/v1/crypto-withdrawal/details/${str(r.json['withdrawalId'])}`)).json).toMatchObject({
      externalUserId: null,
      status: 'SUCCESSFUL',
    });
    expect(balanceOf((await h.api('GET', '/v1/partner/balances')).json, 'btc')).toBe('0.99868000');
  });
});

describe('internal transfers', () => {
  it('funding and collection settle asynchronously with the p2p webhook; P424, P433 and both-sides are refused', async () => {
    await h.activeUser('t1');
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100' });
    expect((await h.api('POST', '/v1/transfer', { amount: '1', currency: 'eur' })).json).toMatchObject({
      errorCode: 'P424',
      errorName: 'source-or-destination-required',
    });
    expect(
      (await h.api('POST', '/v1/transfer', { sourceExternalUserId: 't1', destinationExternalUserId: 't1', amount: '1', currency: 'eur' })).json,
    ).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('POST', '/v1/transfer', { destinationExternalUserId: 't1', amount: '101', currency: 'eur' })).json).toMatchObject({
      errorCode: 'P433',
    });
    const f = await h.api('POST', '/v1/transfer', { destinationExternalUserId: 't1', amount: 25, currency: 'EUR' });
    expect(f.status).toBe(201);
    const fid = str(f.json['transferId']);
    expect((await h.api('GET', `/v1/transfer/details/${fid}`)).json).toMatchObject({ status: 'PENDING' });
    await h.settle();
    expect((await h.api('GET', `/v1/transfer/details/${fid}`)).json).toMatchObject({
      id: fid,
      sourceExternalUserId: null,
      destinationExternalUserId: 't1',
      destinationEmail: 't1@example.com',
      amount: '25.00',
      currency: 'eur',
      status: 'SUCCESSFUL',
    });
    expect(await bal('t1', 'eur')).toBe('25.00');
    const c = await h.api('POST', '/v1/transfer', { sourceExternalUserId: 't1', amount: '5.50', currency: 'eur' });
    await h.settle();
    expect((await h.api('GET', `/v1/transfer/details/${str(c.json['transferId'])}`)).json).toMatchObject({ status: 'SUCCESSFUL' });
    expect(balanceOf((await h.api('GET', '/v1/partner/balances')).json, 'eur')).toBe('80.50');
    const p2p = await waitFor(() => (hooks('/webhook/p2p-transfer/status').length === 2 ? hooks('/webhook/p2p-transfer/status') : undefined));
    expect(p2p[0]?.body).toMatchObject({ id: fid, destinationExternalUserId: 't1', status: 'SUCCESSFUL' });
    // Both sides of a transfer show in history.
    const ph = list((await h.api('GET', '/v1/partner/transactions')).json['transactions']);
    expect(ph.map((e) => [e['referenceId'], e['direction'], e['externalUserId']])).toEqual([
      [fid, 'OUT', null],
      [c.json['transferId'], 'IN', null],
    ]);
    expect((await h.api('GET', '/v1/transfer/details/missing')).status).toBe(404);
  });

  it('a transfer whose funds vanish before settlement settles FAILED', async () => {
    await h.activeUser('t2', { eur: '10' });
    const a = await h.api('POST', '/v1/transfer', { sourceExternalUserId: 't2', amount: '8', currency: 'eur' });
    const b = await h.api('POST', '/v1/transfer', { sourceExternalUserId: 't2', amount: '8', currency: 'eur' });
    await h.settle();
    expect((await h.api('GET', `/v1/transfer/details/${str(a.json['transferId'])}`)).json['status']).toBe('SUCCESSFUL');
    expect((await h.api('GET', `/v1/transfer/details/${str(b.json['transferId'])}`)).json['status']).toBe('FAILED');
    expect(await bal('t2', 'eur')).toBe('2.00');
  });
});
