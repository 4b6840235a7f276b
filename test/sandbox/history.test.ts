import { afterAll, beforeAll, beforeEach, describe, it, expect } from 'vitest';
import { harness, list, str, type Harness } from './helpers.js';

let h: Harness;

beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.ctl('POST', '/_sandbox/reset', {});
});

describe('transaction history', () => {
  it('paginates (page, pageSize, totalItems, totalPages) in createdAt order, filters by from/to, validates params', async () => {
    await h.activeUser('h1', { eur: '1000' });
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '1000' });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await h.api('POST', '/v1/transfer', { destinationExternalUserId: 'h1', amount: `${i + 1}`, currency: 'eur' });
      ids.push(str(r.json['transferId']));
      await h.ctl('POST', '/_sandbox/clock/advance', { ms: 1000 });
    }
    await h.settle();
    const p1 = (await h.api('GET', '/v1/user/transactions/h1?page=1&pageSize=3')).json;
    expect(p1).toMatchObject({ page: 1, pageSize: 3, totalItems: 7, totalPages: 3 });
    const p3 = (await h.api('GET', '/v1/user/transactions/h1?page=3&pageSize=3')).json;
    const all = [
      ...list(p1['transactions']),
      ...list((await h.api('GET', '/v1/user/transactions/h1?page=2&pageSize=3')).json['transactions']),
      ...list(p3['transactions']),
    ];
    expect(all.map((e) => e['referenceId'])).toEqual(ids);
    expect(all.every((e) => e['status'] === 'SUCCESSFUL' && e['direction'] === 'IN' && e['type'] === 'TRANSFER')).toBe(true);
    const created = all.map((e) => Date.parse(str(e['createdAt'])));
    expect([...created].sort((a, b) => a - b)).toEqual(created);
    const from = str(all[2]?.['createdAt']);
    const to = str(all[5]?.['createdAt']);
    const window = (await h.api('GET', `/v1/user/transactions/h1?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).json;
    expect(list(window['transactions']).map((e) => e['referenceId'])).toEqual(ids.slice(2, 5));
    expect((await h.api('GET', '/v1/user/transactions/h1?page=9')).json).toMatchObject({ transactions: [], totalItems: 7 });
    expect((await h.api('GET', '/v1/user/transactions/h1?pageSize=101')).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('GET', '/v1/user/transactions/h1?page=0')).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('GET', '/v1/user/transactions/h1?from=yesterday')).json).toMatchObject({ errorCode: 'P403' });
    expect((await h.api('GET', '/v1/user/transactions/ghost')).json).toMatchObject({ errorCode: 'P412' });
    expect((await h.api('GET', '/v1/partner/transactions')).json).toMatchObject({ totalItems: 7, pageSize: 50 });
  });

  it('PATCH /_sandbox/operations changes the operation and its history, without moving money', async () => {
    await h.activeUser('h2');
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '100' });
    const t = str((await h.api('POST', '/v1/transfer', { destinationExternalUserId: 'h2', amount: '10', currency: 'eur' })).json['transferId']);
    await h.settle();
    const patched = await h.ctl('PATCH', `/_sandbox/operations/${t}`, { status: 'FAILED', amount: '9.99' });
    expect(patched.json).toMatchObject({ id: t, status: 'FAILED', amount: '9.99' });
    expect((await h.api('GET', `/v1/transfer/details/${t}`)).json).toMatchObject({ status: 'FAILED', amount: '9.99' });
    const entries = [
      ...list((await h.api('GET', '/v1/user/transactions/h2')).json['transactions']),
      ...list((await h.api('GET', '/v1/partner/transactions')).json['transactions']),
    ];
    expect(entries.map((e) => [e['status'], e['amount']])).toEqual([
      ['FAILED', '9.99'],
      ['FAILED', '9.99'],
    ]);
    expect((await h.ctl('PATCH', `/_sandbox/operations/${t}`, { status: 'COMPLETED' })).status).toBe(400);
    expect((await h.ctl('PATCH', '/_sandbox/operations/nope', { status: 'FAILED' })).status).toBe(404);
  });

  it('seeds 100,000 entries fast and pages through them by binary search', async () => {
    const t0 = Date.now();
    const seeded = await h.ctl('POST', '/_sandbox/seed/history', { count: 100_000 });
    expect(seeded.json).toMatchObject({ seeded: 100_000, totalItems: 100_000 });
    const first = (await h.api('GET', '/v1/partner/transactions?pageSize=100')).json;
    expect(first).toMatchObject({ totalItems: 100_000, totalPages: 1000 });
    const last = (await h.api('GET', '/v1/partner/transactions?pageSize=100&page=1000')).json;
    expect(list(last['transactions'])).toHaveLength(100);
    const lastTimes = list(last['transactions']).map((e) => Date.parse(str(e['createdAt'])));
    expect(lastTimes[0]).toBeGreaterThan(Date.parse(str(list(first['transactions'])[99]?.['createdAt'])));
    // Paging deep into the history costs the same as the first page.
    const tPages = Date.now();
    for (let p = 500; p < 600; p++) await h.api('GET', `/v1/partner/transactions?pageSize=100&page=${p}`);
    expect(Date.now() - tPages).toBeLessThan(5000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // A live operation lands after the seeded past.
    await h.activeUser('h3');
    await h.ctl('POST', '/_sandbox/partner/fund', { currency: 'eur', amount: '1' });
    const tr = await h.api('POST', '/v1/transfer', { destinationExternalUserId: 'h3', amount: '1', currency: 'eur' });
    const tail = (await h.api('GET', '/v1/partner/transactions?pageSize=1&page=100001')).json;
    expect(list(tail['transactions'])[0]).toMatchObject({ referenceId: tr.json['transferId'] });
  });
});
