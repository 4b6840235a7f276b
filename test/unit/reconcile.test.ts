/**
 * Reconciliation units without network: decimal comparison, settings, history streaming (against a
 * stand-in P100 client: no sockets), upstream path resolution and cursor order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { P100Client, type P100Request, type P100Response } from '../../shared/p100/client.js';
import { P100BusinessError } from '../../shared/p100/errors.js';
import { catalog } from '../../shared/catalog/index.js';
import { setP100Client } from '../../shared/p100/index.js';
import { normalizeDecimal, sameDecimal } from '../../shared/decimal.js';
import { reconcileConfig, ReconcileConfigError, RECONCILE_DEFAULTS } from '../../shared/reconcile/config.js';
import { compareCursor, fetchDetails, fetchUserAtP100, historyPages, ledgerTypeOf, RECONCILIATION_READS, upstreamOf } from '../../shared/p100/reads.js';
import { forEachLimit } from '../../shared/reconcile/context.js';

/** A P100 client whose `call` answers from a function: records every request, opens no socket. */
class FakeP100 extends P100Client {
  readonly requests: P100Request[] = [];
  constructor(readonly answer: (req: P100Request) => unknown) {
    super({ baseUrl: 'http://p100.invalid', apiKey: async () => 'k', refreshApiKey: async () => 'k' });
  }
  override async call(req: P100Request): Promise<P100Response> {
    this.requests.push(req);
    return { status: 200, body: this.answer(req), attempts: 1 };
  }
}

const entry = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `e${String(i).padStart(5, '0')}`,
  type: 'transfer',
  status: 'successful',
  amount: 10 + i,
  currency: 'EUR',
  externalUserId: null,
  referenceId: `r${i}`,
  direction: 'OUT',
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

/** A history of `total` entries served A7-style (page, pageSize, totalPages, inclusive from). */
function historyServer(total: number, opts: { broken?: Set<number> } = {}) {
  return (req: P100Request) => {
    const page = Number(req.query?.['page']);
    const size = Number(req.query?.['pageSize']);
    const from = req.query?.['from'] ? Date.parse(req.query['from']) : -Infinity;
    const all = Array.from({ length: total }, (_, i) => entry(i)).filter((e) => Date.parse(e.createdAt) >= from);
    const items = all.slice((page - 1) * size, page * size).map((e, k) => (opts.broken?.has((page - 1) * size + k) ? { id: e.id } : e));
    return { transactions: items, page, pageSize: size, totalItems: all.length, totalPages: Math.ceil(all.length / size) };
  };
}

afterEach(() => setP100Client(undefined));

describe('decimals', () => {
  it('compares amounts as decimals, never as floats', () => {
    expect(sameDecimal('10.50', '10.5')).toBe(true);
    expect(sameDecimal('010.5', '10.500')).toBe(true);
    expect(sameDecimal('0.1', '0.10000000000000001')).toBe(false);
    expect(sameDecimal('1', '1.0')).toBe(true);
    expect(sameDecimal('2.20', '2.21')).toBe(false);
    expect(normalizeDecimal('-0.0')).toBe('0');
    expect(normalizeDecimal('12345678901234567890.123456789012345678')).toBe('12345678901234567890.123456789012345678');
  });
});

describe('settings', () => {
  it('reads the environment over the defaults and code overrides last', () => {
    const c = reconcileConfig({ pageSize: 20 }, { RECONCILE_USER_CONCURRENCY: '2', RECONCILE_PAGE_SIZE: '50' });
    expect(c.userConcurrency).toBe(2);
    expect(c.pageSize).toBe(20);
    expect(c.pendingAfterSeconds).toBe(RECONCILE_DEFAULTS.pendingAfterSeconds);
  });
  it('rejects values outside their range at once, naming the variable', () => {
    expect(() => reconcileConfig({}, { RECONCILE_PAGE_SIZE: '500' })).toThrow(ReconcileConfigError);
    expect(() => reconcileConfig({}, { RECONCILE_USER_CONCURRENCY: 'many' })).toThrow(/RECONCILE_USER_CONCURRENCY/);
  });
});

describe('historyPages', () => {
  it('streams every page once, stops after the last, and normalises entries', async () => {
    const fake = new FakeP100(historyServer(250));
    setP100Client(fake);
    const seen: string[] = [];
    for await (const page of historyPages({ kind: 'partner' }, { to: '2027-01-01T00:00:00.000Z' }, { pageSize: 100 }))
      seen.push(...page.entries.map((e) => e.id));
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(fake.requests.map((r) => r.query?.['page'])).toEqual(['1', '2', '3']);
    expect(fake.requests.every((r) => r.kind === 'read' && r.path === '/v1/partner/transactions')).toBe(true);
  });

  it('resumes after the cursor without repeating or losing entries that share its instant', async () => {
    const sameInstant = (req: P100Request) => {
      const body = historyServer(6)(req) as { transactions: ReturnType<typeof entry>[] };
      for (const t of body.transactions) t.createdAt = '2026-01-01T00:00:00.000Z';
      return body;
    };
    setP100Client(new FakeP100(sameInstant));
    const ids: string[] = [];
    for await (const page of historyPages(
      { kind: 'user', externalUserId: 'u-1' },
      { to: '2027-01-01T00:00:00.000Z' },
      { pageSize: 4, cursor: { createdAt: '2026-01-01T00:00:00.000Z', id: 'e00002' } },
    )) {
      ids.push(...page.entries.map((e) => e.id));
    }
    expect(ids).toEqual(['e00003', 'e00004', 'e00005']);
  });

  it('counts entries it cannot read instead of dropping them silently', async () => {
    setP100Client(new FakeP100(historyServer(5, { broken: new Set([1, 3]) })));
    let unreadable = 0;
    let read = 0;
    for await (const page of historyPages({ kind: 'partner' }, { to: '2027-01-01T00:00:00.000Z' }, { pageSize: 10 })) {
      unreadable += page.unreadable;
      read += page.entries.length;
    }
    expect({ read, unreadable }).toEqual({ read: 3, unreadable: 2 });
  });

  it('uses the user history path with the externalUserId filled in', async () => {
    const fake = new FakeP100(historyServer(0));
    setP100Client(fake);
    for await (const _ of historyPages({ kind: 'user', externalUserId: 'a b' }, { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' })) void _;
    expect(fake.requests[0]!.path).toBe('/v1/user/transactions/a%20b');
    expect(fake.requests[0]!.query).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' });
  });
});

describe('P100 reads', () => {
  it('treats P466 on details and P412 on balances as "P100 does not know it"', async () => {
    setP100Client(
      new FakeP100((req) => {
        throw new P100BusinessError(req.path.includes('balances') ? 400 : 404, req.path.includes('balances') ? 'P412' : 'P466', 'x');
      }),
    );
    expect(await fetchDetails('TRANSFER', 't-1')).toBeNull();
    expect(await fetchUserAtP100('u-1')).toEqual({ exists: false });
  });

  it('reads activation from balances: a KYC user whose fiat balance is ACTIVE, a non-KYC user with balances', async () => {
    setP100Client(
      new FakeP100(() => ({
        userId: 'x',
        poaRequired: false,
        fiatBalances: [{ id: '1', amount: 0, name: 'eur', status: 'WAITING_TO_BE_ACTIVATED' }],
        cryptoBalances: [],
      })),
    );
    expect(await fetchUserAtP100('u')).toEqual({ exists: true, active: false, poaRequired: false });
    setP100Client(new FakeP100(() => ({ userId: 'x', balances: [{ id: '1', amount: '0', name: 'btc' }] })));
    expect(await fetchUserAtP100('u')).toEqual({ exists: true, active: true });
  });

  it('reads only through catalog entries: every read is a GET operation of the catalog, with its path', () => {
    for (const id of RECONCILIATION_READS) {
      const op = catalog[id];
      expect(op?.upstream?.method, id).toBe('GET');
      expect(upstreamOf(id)).toEqual(op?.upstream);
    }
  });

  it('follows upstream path overrides', () => {
    const before = process.env.P100_UPSTREAM_OVERRIDES;
    process.env.P100_UPSTREAM_OVERRIDES = JSON.stringify({
      getPartnerTransactions: { path: '/v2/partner/history' },
      getKycStatus: { path: '/v1/kyc/{externalUserId}/status' },
    });
    try {
      expect(upstreamOf('getPartnerTransactions').path).toBe('/v2/partner/history');
      expect(upstreamOf('getKycStatus').path).toBe('/v1/kyc/{externalUserId}/status');
    } finally {
      if (before === undefined) delete process.env.P100_UPSTREAM_OVERRIDES;
      else process.env.P100_UPSTREAM_OVERRIDES = before;
    }
  });
});

describe('helpers', () => {
  it('orders cursors by instant then id', () => {
    expect(compareCursor({ createdAt: '2026-01-01T00:00:01Z', id: 'a' }, { createdAt: '2026-01-01T00:00:00.000+00:00', id: 'z' })).toBe(1);
    expect(compareCursor({ createdAt: '2026-01-01T00:00:00Z', id: 'a' }, { createdAt: '2026-01-01T00:00:00.000Z', id: 'b' })).toBe(-1);
  });
  it('maps history types to ledger types', () => {
    expect(ledgerTypeOf('P2P_TRANSFER')).toBe('TRANSFER');
    expect(ledgerTypeOf('CARD_TRANSACTION')).toBe('CARD_TRANSACTION');
    expect(ledgerTypeOf('SOMETHING_NEW')).toBeUndefined();
  });
  it('bounds concurrency', async () => {
    let running = 0;
    let peak = 0;
    await forEachLimit(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
      },
    );
    expect(peak).toBe(3);
  });
});
