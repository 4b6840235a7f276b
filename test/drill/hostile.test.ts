/**
 * The reduced hostile-data drill (bench/drills/hostile.ts; `npm run drill` runs it at full size): hostile ids
 * and statuses in webhook bodies, history entries and details answers, beside well-formed data in the same
 * pages. Each invariant is its own assertion, so a failure names what broke.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_REDUCED, runHostileDrill, type HostileDrillResult } from '../../bench/drills/hostile.js';

let r: HostileDrillResult;

beforeAll(async () => {
  r = await runHostileDrill(HOSTILE_REDUCED);
}, 600_000);

describe('hostile data from P100', () => {
  it('never stops a run: every run completes', () => {
    expect(r.runs).toHaveLength(2);
    for (const run of r.runs) expect(run.status, run.runId).toBe('COMPLETED');
  });
  it('parks every hostile webhook with a flag, and none of their ids reaches the ledger', () => {
    expect(r.webhooks.sent).toBeGreaterThan(40);
    expect(r.webhooks.notParked).toEqual([]);
    expect(r.webhooks.parked).toBe(r.webhooks.sent);
    expect(r.webhooks.reachedLedger).toEqual([]);
  });
  it('quarantines and reports every hostile history entry and details answer, and nothing else', () => {
    expect(r.history.planted).toBeGreaterThan(80);
    expect(r.history.notQuarantined).toEqual([]);
    expect(r.details.planted).toBeGreaterThan(5);
    expect(r.details.notQuarantined).toEqual([]);
    expect(r.unexpectedQuarantine).toEqual([]);
    expect(r.runs[0]?.quarantined).toBe(r.history.distinct + r.details.planted);
  });
  it('still matches every well-formed item of the same pages: the ledger ends equal to P100', () => {
    expect(r.wellFormed.operations).toBe(HOSTILE_REDUCED.wellFormed + r.details.planted);
    expect(r.wellFormed.mismatches).toEqual([]);
  });
  it('keeps ids that differ only in case apart, and lets no prototype key pollute anything', () => {
    expect(r.caseVariantsKept).toBe(true);
    expect(r.prototypePolluted).toBe(false);
  });
});
