/**
 * Liveness of reconciliation (issue 23): one hostile id from P100 can no longer stop a run, an item that
 * throws or runs past its budget is quarantined and reported, later runs skip it, and a run that stopped
 * moving is marked FAILED by the next trigger, which starts a fresh run.
 *
 * Every wait is on a condition (the run's invocations settling), bounded by a hang guard that fails the test
 * with what it waited for: on the code before the fix the run stayed RUNNING forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerOperation, recordOperation } from '../../shared/store/index.js';
import { getInboxEvent } from '../../shared/store/inbox.js';
import { acquireActive, getActive, putRun } from '../../shared/store/reconciliation.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { deliver } from './webhooks-support.js';

const HOSTILE = 'bx-1\u0000\r\nX-Injected: 1';

let s: TestSuite;

beforeAll(async () => {
  Object.assign(process.env, { RECONCILE_PENDING_AFTER_SECONDS: '0', RECONCILE_OVERLAP_SECONDS: '0' });
  s = await startTestSuite({ seed: 23 });
});

afterAll(async () => {
  await s?.close();
});

interface Report {
  runId: string;
  status: string;
  error?: string;
  discrepancies: { class: string; type: string; id: string; note?: string }[];
}

/**
 * Resolves when every reconcile invocation and user batch has settled, or fails after `guardMs` naming what
 * it waited for (a hang guard, never a speed assertion: the run itself has no such limit).
 */
async function runsSettled(what: string, guardMs = 60_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reconciliation never settled: ${what}`)), guardMs);
  });
  try {
    await Promise.race([s.local.reconciliation.idle(), guard]);
  } finally {
    clearTimeout(timer);
  }
}

async function reportOf(runId: string): Promise<Report> {
  const res = await s.call('GET', `/operations/reconciliation/reports/${runId}?limit=5000`);
  expect(res.status, res.text).toBe(200);
  return res.body as Report;
}

/** Starts a run over HTTP and waits for it to settle; returns the start answer and the report. */
async function reconcile(what: string): Promise<{ started: { runId: string; alreadyRunning: boolean }; report: Report }> {
  const res = await s.call('POST', '/operations/reconciliation/runs');
  expect(res.status, res.text).toBe(202);
  await runsSettled(what);
  return { started: res.body, report: await reportOf(res.body.runId) };
}

describe('a hostile exchangeId (the reproduction of issue 23)', () => {
  it('is parked with a flag, never reaches the ledger, and the run completes', async () => {
    const r = await deliver(s, '/webhook/exchange/status', { exchangeId: HOSTILE, status: 'PENDING' });
    expect(r.status).toBe(200);
    const eventId = r.json.eventId as string;
    await s.local.queues.get('webhook')?.idle();

    // Before the fix: RUNNING in phase pending for good, and every later start "alreadyRunning" with its id.
    const first = await reconcile('the run after the hostile webhook');
    expect(first.report.status, JSON.stringify(first.report)).toBe('COMPLETED');
    const second = await reconcile('a second run');
    expect(second.started.alreadyRunning).toBe(false);
    expect(second.started.runId).not.toBe(first.started.runId);
    expect(second.report.status).toBe('COMPLETED');

    const parked = await getInboxEvent(eventId);
    expect(parked?.state).toBe('DEAD');
    expect(parked?.flag).toBe('unsafe-id');
    expect(parked?.deadReason ?? '').toMatch(/unsafe-id: exchangeId: control characters/);
    expect(await getLedgerOperation('EXCHANGE', HOSTILE)).toBeUndefined();
  });
});

describe('an unsafe id already in the ledger (stored before the rule)', () => {
  it('is quarantined without a P100 call, well-formed items are still reconciled, and the next run skips it', async () => {
    await recordOperation({ type: 'EXCHANGE', id: HOSTILE, status: 'PENDING', source: 'webhook' });
    await recordOperation({ type: 'EXCHANGE', id: 'bx-unknown-to-p100', status: 'PENDING', source: 'webhook' });
    const { report } = await reconcile('a run with a planted unsafe ledger id');
    expect(report.status, JSON.stringify(report)).toBe('COMPLETED');
    const q = report.discrepancies.filter((d) => d.class === 'quarantined' && d.type === 'EXCHANGE');
    expect(q).toHaveLength(1);
    expect(q[0]?.id).toMatch(/^unsafe:[0-9a-f]{16}$/);
    expect(q[0]?.note).toBe('unsafe id: control characters');
    // The raw value appears nowhere in the report.
    expect(JSON.stringify(report)).not.toContain('X-Injected');
    // The well-formed one beside it was still asked about: P100 does not know it.
    expect(report.discrepancies.filter((d) => d.id === 'bx-unknown-to-p100').map((d) => d.class)).toContain('missing-at-p100');

    const next = await reconcile('the run after the quarantine');
    expect(next.report.status).toBe('COMPLETED');
    expect(next.report.discrepancies.filter((d) => d.class === 'quarantined' && d.id === q[0]?.id)).toHaveLength(0);
  });
});

describe('an item that runs past its budget', () => {
  it('is quarantined with the reason, and the run goes on', async () => {
    await recordOperation({ type: 'EXCHANGE', id: 'bx-slow-details', status: 'PENDING', source: 'webhook' });
    // P100 answers this one details call after 4 s; the item budget is 1 s.
    await s.control('POST', '/_sandbox/faults', { route: 'GET /v1/exchange/details/bx-slow-details', latencyMs: 4000 });
    process.env.RECONCILE_ITEM_BUDGET_SECONDS = '1';
    try {
      const { report } = await reconcile('a run with a slow details answer');
      expect(report.status, JSON.stringify(report)).toBe('COMPLETED');
      const slow = report.discrepancies.find((d) => d.id === 'bx-slow-details' && d.class === 'quarantined');
      expect(slow?.note).toBe('over budget: no answer within 1000 ms');
    } finally {
      delete process.env.RECONCILE_ITEM_BUDGET_SECONDS;
      await s.control('DELETE', '/_sandbox/faults');
    }
  });
});

describe('the liveness watch', () => {
  it('marks a run whose progress stood still FAILED with the reason, and the next trigger starts a fresh run', async () => {
    await runsSettled('earlier runs');
    const old = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const stuck = '20200101T000000Z-0000dead';
    await putRun({
      runId: stuck,
      status: 'RUNNING',
      phase: 'pending',
      trigger: 'schedule',
      requestedAt: old,
      progressAt: old,
      window: { to: old },
      leaseUntil: new Date(Date.now() + 3_600_000).toISOString(),
      batchesSent: 0,
      batchesDone: 0,
    });
    // It holds the lease, as the hung run of the issue did.
    expect(await acquireActive(stuck, new Date(Date.now() + 3_600_000).toISOString(), new Date().toISOString())).toBe(true);
    expect((await getActive())?.runId).toBe(stuck);

    const { started, report } = await reconcile('the run after a stalled one');
    expect(started.alreadyRunning).toBe(false);
    expect(started.runId).not.toBe(stuck);
    expect(report.status).toBe('COMPLETED');
    const failed = await reportOf(stuck);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/^stalled: no progress since .* \(phase pending; limit 1800 s\)$/);
  });

  it('the overview shows a FAILED newest run with its reason', async () => {
    const now = new Date().toISOString();
    await putRun({
      runId: '29990101T000000Z-0000beef',
      status: 'FAILED',
      phase: 'partner',
      trigger: 'schedule',
      requestedAt: '2999-01-01T00:00:00.000Z',
      progressAt: now,
      window: { to: now },
      leaseUntil: now,
      batchesSent: 0,
      batchesDone: 0,
      error: 'stalled: no progress since 2999-01-01T00:00:00.000Z (phase partner; limit 1800 s)',
    });
    const res = await s.call('GET', '/operations/overview');
    expect(res.status, res.text).toBe(200);
    expect(res.body.lastRun).toMatchObject({ runId: '29990101T000000Z-0000beef', status: 'FAILED', error: expect.stringMatching(/^stalled: /) });
  });
});
