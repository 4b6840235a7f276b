/**
 * The cost model of bench B8 (issue 15) and the memory rule of B10 (issue 28): the per-invocation arithmetic,
 * the price table kept as data in bench/prices.json, the rule's choice and infra reading the measured table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invocationCost, type PriceTable } from '../../bench/b8-cost.js';
import { chooseSize } from '../../bench/b10-memory.js';
import { MEMORY_SIZES_MB } from '../../bench/lib/lambda-cpu.js';
import { sizingFor } from '../../infra/lib/access.js';
import { KIND_REPRESENTATIVES, readMemoryTable, sizedKindOf } from '../../infra/lib/memory-table.js';
import { functionSpecs } from '../../shared/functions.js';

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

describe('the memory rule (B10): the cheapest size within the warm p99 and cold path budgets', () => {
  const f = (coldPathMs: number, warmP99Ms: number, costPerMillionUsd: number) => ({
    coldPathMs,
    warmP50Ms: warmP99Ms / 2,
    warmP99Ms,
    costPerMillionUsd,
    load1m: 1,
  });
  it('skips cheaper sizes that break a budget and says why', () => {
    const sizes = { 128: f(3000, 400, 0.4), 256: f(600, 80, 0.45), 512: f(500, 60, 0.5), 1024: f(400, 20, 0.6), 1769: f(350, 15, 0.8) };
    // API budgets: warm p99 ≤ +50 ms, cold path ≤ 2× (of the 1,769 MB figures: 15 ms, 350 ms).
    const read = chooseSize('read', sizes);
    expect(read.chosenMb).toBe(512);
    expect(read.reason).toMatch(/128 MB: warm p99 \+385 ms, cold path 8\.6×; 256 MB: warm p99 \+65 ms/);
    // A job waits on nobody: its looser budgets take the cheapest.
    expect(chooseSize('job:reconcile', { ...sizes, 128: f(1200, 400, 0.4) }).chosenMb).toBe(128);
  });

  it('prefers the smaller of two sizes that cost the same, and falls back to 1,769 MB when none fits', () => {
    expect(chooseSize('money', { 512: f(400, 20, 0.5), 1024: f(400, 20, 0.5), 1769: f(400, 20, 0.9) }).chosenMb).toBe(512);
    expect(chooseSize('money', { 512: f(4000, 20, 0.5), 1769: f(400, 20, 0.9) }).chosenMb).toBe(1769);
  });
});

describe('infra takes its memory sizes from the measured table (bench/memory-table.json)', () => {
  it('sizes every operation, receiver, the processor and each job as the table chose for its kind', () => {
    const table = readMemoryTable();
    const kinds = new Set<string>();
    for (const spec of functionSpecs()) {
      const kind = sizedKindOf(spec);
      if (!kind) continue;
      kinds.add(kind);
      expect(sizingFor(spec).memoryMb, spec.name).toBe(table.kinds[kind].chosenMb);
    }
    expect([...kinds].sort()).toEqual(Object.keys(KIND_REPRESENTATIVES).sort());
    // The table holds the measured sizes and its reason for each choice.
    for (const row of Object.values(table.kinds)) {
      expect(Object.keys(row.sizes).map(Number)).toEqual([...MEMORY_SIZES_MB]);
      expect(row.reason).toMatch(/within/);
    }
  });
});
