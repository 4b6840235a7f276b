import { describe, it, expect } from 'vitest';
import { div, formatDecimal, formatUnits, parseAmount, parseDecimal, percentCeil } from '../../local/sandbox/decimal.js';
import { HistoryIndex, type HistoryEntry } from '../../local/sandbox/state/history.js';
import { Prng } from '../../local/sandbox/prng.js';
import { Router } from '../../local/sandbox/http/router.js';

describe('decimal', () => {
  it('parses strings and numbers without floats and refuses exponents and excess precision', () => {
    expect(parseDecimal('10.50')).toEqual({ units: 1050n, scale: 2 });
    expect(parseDecimal(0.1)).toEqual({ units: 1n, scale: 1 });
    expect(parseDecimal('1e5')).toBeNull();
    expect(parseDecimal(1e-7)).toBeNull();
    expect(parseAmount('1.005', 2)).toBeNull();
    expect(parseAmount('1.500', 2)).toBe(150n);
    expect(parseAmount('0', 2)).toBeNull();
    expect(parseAmount('-1', 2)).toBeNull();
  });

  it('formats padded amounts and trimmed rates', () => {
    expect(formatUnits(5n, 2)).toBe('0.05');
    expect(formatUnits(0n, 8)).toBe('0.00000000');
    expect(formatUnits(-123n, 2)).toBe('-1.23');
    expect(formatDecimal({ units: 1500n, scale: 6 })).toBe('0.0015');
    expect(formatDecimal(div({ units: 1n, scale: 0 }, { units: 3n, scale: 0 }, 4))).toBe('0.3333');
  });

  it('computes fees rounded up, exactly', () => {
    // 0.1 % of 123.45 EUR = 0.12345 → 0.13
    expect(percentCeil(12345n, 1000n)).toBe(13n);
    expect(percentCeil(100000n, 1000n)).toBe(100n);
  });
});

describe('history index', () => {
  const entry = (id: string, t: number): HistoryEntry => ({
    id,
    type: 'TRANSFER',
    status: 'SUCCESSFUL',
    amount: '1.00',
    currency: 'eur',
    externalUserId: null,
    referenceId: id,
    direction: 'IN',
    createdAt: t,
    updatedAt: t,
  });

  it('keeps (createdAt, id) order for out-of-order inserts and bulk merges', () => {
    const h = new HistoryIndex();
    h.insert(entry('b', 2));
    h.insert(entry('a', 3));
    h.insert(entry('a', 2));
    h.insertMany([entry('z', 1), entry('c', 5), entry('0', 2)]);
    expect(h.page(undefined, undefined, 1, 10).items.map((e) => `${e.createdAt}${e.id}`)).toEqual(['1z', '20', '2a', '2b', '3a', '5c']);
  });

  it('pages by from (inclusive) and to (exclusive)', () => {
    const h = new HistoryIndex();
    for (let i = 0; i < 10; i++) h.insert(entry(`e${i}`, i * 10));
    const p = h.page(20, 70, 2, 2);
    expect(p.total).toBe(5);
    expect(p.items.map((e) => e.createdAt)).toEqual([40, 50]);
    expect(h.page(20, 70, 4, 2).items).toEqual([]);
  });
});

describe('prng', () => {
  it('is reproducible per seed and makes v4-shaped uuids', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const ua = a.uuid();
    expect(ua).toBe(b.uuid());
    expect(ua).not.toBe(c.uuid());
    expect(ua).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('router', () => {
  it('prefers literal segments over parameters', () => {
    const r = new Router();
    const h = () => ({ status: 200 });
    r.add('GET', '/v1/user/balances/{externalUserId}', h).add('GET', '/v1/user/balances/crypto', h);
    expect(r.match('GET', ['v1', 'user', 'balances', 'crypto'])?.route.template).toBe('/v1/user/balances/crypto');
    expect(r.match('GET', ['v1', 'user', 'balances', 'u1'])?.params).toEqual({ externalUserId: 'u1' });
    expect(r.match('POST', ['v1', 'user', 'balances', 'u1'])).toBeNull();
  });
});
