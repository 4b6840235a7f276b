/**
 * Issue 16: the sandbox's drift mode changes answers on purpose, in exactly the ways asked, and nothing else;
 * a reset or DELETE returns to the faithful sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

describe('/_sandbox/drift', () => {
  it('is empty by default, refuses unknown routes and malformed rules', async () => {
    expect((await h.ctl('GET', '/_sandbox/drift')).json).toEqual({
      moves: [],
      fields: [],
      statuses: [],
      errorCodes: [],
      webhookStatuses: [],
      historyEntries: [],
      entityAnswers: [],
    });
    expect((await h.ctl('POST', '/_sandbox/drift', { moves: [{ route: 'GET /v1/nope', to: '/v1/x' }] })).status).toBe(400);
    expect((await h.ctl('POST', '/_sandbox/drift', { fields: [{ route: 'GET /v1/exchange/rate', op: 'explode', field: 'rate' }] })).status).toBe(400);
    expect((await h.ctl('POST', '/_sandbox/drift', { surprise: true })).status).toBe(400);
  });

  it('renames, retypes and drops fields of one route only', async () => {
    const rate = '/v1/exchange/rate?currencyFrom=eur&currencyTo=btc&amount=10.00';
    const before = (await h.api('GET', rate)).json;
    expect(before.rate).toBeDefined();
    await h.ctl('POST', '/_sandbox/drift', {
      fields: [
        { route: 'GET /v1/exchange/rate', op: 'rename', field: 'rate', to: 'exchangeRate' },
        { route: 'GET /v1/exchange/rate', op: 'retype', field: 'amount', type: 'array' },
        { route: 'GET /v1/partner/balances', op: 'drop', field: 'fiatBalances[].iban' },
        { route: 'GET /v1/partner/balances', op: 'retype', field: 'cryptoBalances[].amount', type: 'number' },
      ],
    });
    const after = (await h.api('GET', rate)).json;
    expect(after.rate).toBeUndefined();
    expect(after.exchangeRate).toBe(before.rate);
    expect(after.amount).toEqual([before.amount]);
    const balances = (await h.api('GET', '/v1/partner/balances')).json as {
      fiatBalances: Record<string, unknown>[];
      cryptoBalances: Record<string, unknown>[];
    };
    expect(balances.fiatBalances.every((b) => !('iban' in b))).toBe(true);
    expect(balances.cryptoBalances.every((b) => typeof b.amount === 'number')).toBe(true);
    // The state itself is untouched: the network fee route, not named, answers as before.
    expect((await h.api('GET', '/v1/crypto-withdrawal/get-network-fee?currency=usdc&network=polygon')).status).toBe(200);
  });

  it('moves a path (old: 404 unless another method lives there; new: the same handler), changes a status and an error code', async () => {
    await h.ctl('POST', '/_sandbox/drift', {
      moves: [{ route: 'GET /v1/user/balances/{externalUserId}', to: '/v1/user/{externalUserId}/balances' }],
      statuses: [{ route: 'GET /v1/partner/sepa-deposit/info', status: 203 }],
      errorCodes: [{ from: 'P412', to: 'P499' }],
    });
    const old = await h.api('GET', '/v1/user/balances/nobody');
    expect(old.status).toBe(404);
    expect(old.json.errorCode).toBeUndefined();
    const moved = await h.api('GET', '/v1/user/nobody/balances');
    expect(moved.status).toBe(400);
    expect(moved.json.errorCode).toBe('P499');
    expect((await h.api('GET', '/v1/partner/sepa-deposit/info')).status).toBe(203);
    // Errors keep their status; only 2xx statuses are changed.
    expect((await h.api('GET', '/v1/user/transactions/nobody')).status).toBe(400);
  });

  it('DELETE and reset return to the faithful sandbox', async () => {
    await h.ctl('DELETE', '/_sandbox/drift');
    expect((await h.api('GET', '/v1/user/balances/nobody')).json.errorCode).toBe('P412');
    await h.ctl('POST', '/_sandbox/drift', { statuses: [{ route: 'GET /v1/partner/balances', status: 299 }] });
    await h.ctl('POST', '/_sandbox/reset', {});
    expect((await h.api('GET', '/v1/partner/balances')).status).toBe(200);
  });
});
