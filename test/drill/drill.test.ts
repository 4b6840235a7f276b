/**
 * The reduced fault drill (bench/drills, `npm run drill` runs it at full size): 100 money operations under
 * 30% upstream faults with same-key retries, 40 under dropped/duplicated/reordered webhooks, 1,000
 * generated invalid requests over every operation, a scan of all handler output for every secret
 * used, and a scan of every store that holds data (tables, queues, bus, reports, S3, problem bodies) for
 * every planted secret and personal value. One suite, one run; each invariant is its own assertion so a failure names what broke.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { REDUCED, runDrills, type DrillReport } from '../../bench/drills/index.js';

let r: DrillReport;

beforeAll(async () => {
  r = await runDrills(REDUCED);
}, 300_000);

describe('money operations under upstream faults (same Idempotency-Key on retry)', () => {
  it('made every key take effect at most once at P100', () => {
    expect(r.money.operations).toBe(REDUCED.moneyOps);
    expect(r.money.duplicates).toEqual([]);
  });
  it('lost none: each key has one effect or a definite refusal, UNKNOWNs resolved by reconciliation', () => {
    expect(r.money.lost).toEqual([]);
  });
  it('actually met faults, and left the ledger equal to P100 after reconciliation', () => {
    expect(r.money.faultsInjected).toBeGreaterThan(r.money.operations);
    expect(r.money.unknownOutcomes).toBeGreaterThan(0);
    expect(r.money.ledgerMismatches).toEqual([]);
  });
});

describe('webhooks dropped, duplicated and reordered', () => {
  it('left no mismatch between the ledger and P100 after reconciliation, and doubled nothing', () => {
    expect(r.webhooks.webhookDeliveries?.['DROPPED'] ?? 0).toBeGreaterThan(0);
    expect(r.webhooks.duplicates).toEqual([]);
    expect(r.webhooks.lost).toEqual([]);
    expect(r.webhooks.ledgerMismatches).toEqual([]);
  });
});

describe('generated invalid requests', () => {
  it('covered every catalog operation', () => {
    expect(r.invalid.requests).toBe(REDUCED.invalidRequests);
    expect(r.invalid.operationsCovered).toBe(r.invalid.operationsInCatalog);
  });
  it('were all answered 4xx problem+json, never 5xx', () => {
    expect(r.invalid.not4xx).toEqual([]);
    expect(r.invalid.notProblemJson).toEqual([]);
  });
  it('reached P100 not once', () => {
    expect(r.invalid.upstreamRoutes).toEqual({});
    expect(r.invalid.upstreamCallsDuring).toBe(0);
  });
});

describe('lifecycles under dropped, duplicated and reordered webhooks (issue 11)', () => {
  it('walked every cyclic path under real faults', () => {
    expect(r.lifecycle.users).toBe(REDUCED.lifecycleUsers);
    expect(r.lifecycle.deliveries['DUPLICATE'] ?? 0).toBeGreaterThan(0);
    expect((r.lifecycle.deliveries['DROPPED'] ?? 0) + (r.lifecycle.deliveries['DELIVERED+REORDERED'] ?? 0)).toBeGreaterThan(0);
    expect(r.lifecycle.checkedExactlyOnce).toBeGreaterThan(0);
  });
  it('left every entity equal to P100 after reconciliation', () => {
    expect(r.lifecycle.stateMismatches).toEqual([]);
  });
  it("published, per entity, a valid path of its transition table ending at P100's state", () => {
    expect(r.lifecycle.invalidPaths).toEqual([]);
  });
  it('published every delivered transition exactly once', () => {
    expect(r.lifecycle.notExactlyOnce).toEqual([]);
  });
});

describe('logs of the whole run', () => {
  it('hold none of the secrets and sensitive values used', () => {
    expect(r.logs.lines).toBeGreaterThan(100);
    expect(r.logs.valuesSearched).toBeGreaterThanOrEqual(10);
    expect(r.logs.hits).toEqual([]);
  });
});

describe('every store that holds data (issue 12): tables, queue messages, bus events, reports, S3 metadata, problem bodies, logs', () => {
  it('holds no planted secret in clear, anywhere', () => {
    expect(r.stores.valuesSearched).toBeGreaterThanOrEqual(30);
    expect(r.stores.hits.filter((h) => h.class === 'secret')).toEqual([]);
  });
  it('holds personal values only where the classification allows them (the uploaded document itself)', () => {
    expect(r.stores.hits.filter((h) => h.class === 'personal')).toEqual([]);
    expect(r.stores.allowed.every((a) => a.store === 's3-object')).toBe(true);
  });
  it('scanned every store, reached by the planted webhooks, with a scanner that finds what is in clear', () => {
    for (const st of ['table', 'queue', 'bus', 'report', 'problem', 'log'] as const) expect(r.stores.perStore[st].pieces, st).toBeGreaterThan(0);
    // The card codes travel on their own events by design (EVENTS.md), and only there.
    expect(r.stores.delivered.length).toBeGreaterThan(0);
    expect(r.stores.delivered.every((d) => d.store === 'bus')).toBe(true);
    expect(r.failures.filter((f) => f.startsWith('stores:'))).toEqual([]);
  });
});
