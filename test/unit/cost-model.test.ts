/**
 * The cost model of bench B8 (issue 15): the right-sizing rule and the per-invocation arithmetic, with the
 * price table kept as data in bench/prices.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invocationCost, rightSize, type PriceTable } from '../../bench/b8-cost.js';

const prices = JSON.parse(readFileSync(new URL('../../bench/prices.json', import.meta.url), 'utf8')) as PriceTable & { asOf: string; source: string };

describe('the price table', () => {
  it('names its source and date, says it is to be checked, and prices both regions', () => {
    expect(prices.source).toMatch(/^https:\/\/aws\.amazon\.com\/lambda\/pricing/);
    expect(prices.asOf).toMatch(/\d{4}-\d{2}/);
    expect(prices.status).toMatch(/TO BE CHECKED/);
    expect(Object.keys(prices.regions).sort()).toEqual(['eu-central-1', 'us-east-1']);
  });
});

describe('invocationCost', () => {
  const table: PriceTable = {
    source: 's',
    asOf: 'd',
    status: 'x',
    regions: { r: { perGbSecond: 0.00001, perMillionRequests: 0.2 } },
    billing: { durationRoundingMs: 1, initBilled: true },
    assumptions: { coldStartShare: 0.5 },
  };

  it('adds the request price and GB-seconds, durations rounded up to the billing unit, init on the cold share', () => {
    // 1,000 × (0.2e-6 + 0.5 GB × (2 ms + 0.5 × 10 ms) / 1000 × 1e-5)
    expect(invocationCost(table, 'r', { memoryMb: 512, handlerMs: 1.2, initMs: 10, count: 1000 })).toBeCloseTo(1000 * (0.2e-6 + 0.5 * 0.007 * 0.00001), 12);
    expect(
      invocationCost({ ...table, billing: { durationRoundingMs: 1, initBilled: false } }, 'r', { memoryMb: 1024, handlerMs: 1, initMs: 99, count: 1 }),
    ).toBeCloseTo(0.2e-6 + 0.001 * 0.00001, 14);
    expect(() => invocationCost(table, 'nowhere', { memoryMb: 128, handlerMs: 1, initMs: 0, count: 1 })).toThrow(/no price for region nowhere/);
  });
});

describe('rightSize', () => {
  it('takes the smallest step holding 1.5× the peak RSS, with 256 MB under API and webhook functions', () => {
    expect(rightSize({ kind: 'operation' }, 80, 512)).toBe(256);
    expect(rightSize({ kind: 'operation' }, 200, 512)).toBe(384);
    expect(rightSize({ kind: 'webhook' }, 60, 256)).toBe(256);
    expect(rightSize({ kind: 'webhookHealth' }, 60, 128)).toBe(128);
    expect(rightSize({ kind: 'job', job: { trigger: 'webhook-queue' } }, 100, 512)).toBe(256);
    expect(rightSize({ kind: 'openApi' }, 100, 256)).toBe(192);
  });

  it('never shrinks a reconciliation job below its setting, and adds the heap budget', () => {
    expect(rightSize({ kind: 'job', job: { trigger: 'schedule' } }, 80, 1024)).toBe(1024);
    expect(rightSize({ kind: 'job', job: { trigger: 'reconcile-queue' } }, 700, 1024)).toBe(1536);
  });
});
