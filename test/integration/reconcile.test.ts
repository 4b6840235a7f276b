/**
 * Reconciliation against the sandbox: lost webhooks and ambiguous writes repaired, seeded mismatches
 * classified, every repair reported (report, EventBridge events) and the report readable over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerOperation, getLedgerUser, recordOperation, setUserFact, upsertUser, type LedgerOperation } from '../../shared/store/index.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeKycUser, fundPartner, idem, newUserId } from './operations-support.js';

const ENV = {
  RECONCILE_PENDING_AFTER_SECONDS: '0',
  RECONCILE_UNKNOWN_GRACE_SECONDS: '0',
  RECONCILE_UNKNOWN_MATCH_WINDOW_SECONDS: '30',
  RECONCILE_CLOCK_SKEW_SECONDS: '5',
  RECONCILE_OVERLAP_SECONDS: '0',
};

let s: TestSuite;

interface Report {
  runId: string;
  status: string;
  counts: Record<string, number>;
  discrepancyCount: number;
  discrepancies: { class: string; type: string; id: string; ours: Record<string, unknown> | null; theirs: Record<string, unknown> | null; repaired: boolean }[];
}

interface SandboxOp {
  type: string;
  id: string;
  status: string;
  amount: string;
  currency: string;
  externalUserId: string | null;
}

beforeAll(async () => {
  Object.assign(process.env, ENV);
  s = await startTestSuite({ seed: 6 });
  await fundPartner(s, 'eur', '100000');
});

afterAll(async () => {
  await s?.close();
});

/** Starts a run over HTTP, waits for the run and its user sweep, and reads the report over HTTP. */
async function reconcile(): Promise<Report> {
  const started = await s.call('POST', '/operations/reconciliation/runs');
  expect(started.status, started.text).toBe(202);
  const runId = started.body.runId as string;
  await s.local.reconciliation.idle();
  const res = await s.call('GET', `/operations/reconciliation/reports/${runId}?limit=5000`);
  expect(res.status, res.text).toBe(200);
  const errors = [...s.local.reconciliation.invoker.errors.map(String), ...s.local.reconciliation.queue.dlq.map((d) => d.body)];
  expect(res.body.status, `run ${runId} did not complete: ${errors.join('; ')}`).toBe('COMPLETED');
  return res.body as Report;
}

async function webhooksSettled(): Promise<void> {
  await s.control('POST', '/_sandbox/settle');
  for (let i = 0; i < 200; i++) {
    const d = await s.control<{ deliveries: { status: string }[] }>('GET', '/_sandbox/webhooks/deliveries?status=PENDING');
    if (d.deliveries.length === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await s.local.queues.get('webhook')?.idle();
}

const sandboxOps = async (externalUserId: string) =>
  (await s.control<{ operations: SandboxOp[] }>('GET', `/_sandbox/operations?externalUserId=${externalUserId}`)).operations;

const classesOf = (r: Report, id: string) =>
  r.discrepancies
    .filter((d) => d.id === id)
    .map((d) => d.class)
    .sort();

describe('reconciliation after lost webhooks and ambiguous writes', () => {
  it('makes the ledger equal to P100, and reports every repair', async () => {
    const user = newUserId('rc-chaos');
    await activeKycUser(s, user, { eur: '1000' });
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0.1 });
    await s.control('POST', '/_sandbox/faults', { route: 'POST /v1/transfer', resetAfterRate: 0.25 });
    const statuses: number[] = [];
    for (let i = 1; i <= 24; i++) {
      const res = await s.call('POST', `/users/${user}/transfers`, { headers: idem(), body: { direction: 'FUNDING', amount: `${i}.25`, currency: 'eur' } });
      statuses.push(res.status);
    }
    await s.control('DELETE', '/_sandbox/faults');
    await webhooksSettled();
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0 });
    // The faults did what they should: some writes ended UNKNOWN (502/504), some webhooks were lost.
    expect(statuses.filter((x) => x >= 500).length).toBeGreaterThan(0);
    const dropped = await s.control<{ total: number }>('GET', '/_sandbox/webhooks/deliveries?status=DROPPED');
    expect(dropped.total).toBeGreaterThan(0);

    const report = await reconcile();

    // Every P100 operation is in the ledger with P100's status and amount.
    const truth = (await sandboxOps(user)).filter((o) => o.type === 'TRANSFER');
    expect(truth).toHaveLength(24);
    for (const op of truth) {
      const ours = await getLedgerOperation('TRANSFER', op.id);
      expect(ours, op.id).toBeDefined();
      expect(ours!.status).toBe(op.status);
      expect(ours!.amount).toBe(op.amount);
    }
    // No ambiguous write is left undecided, and each points at a real P100 operation.
    const unknownResolved = report.discrepancies.filter((d) => d.class === 'unknown-resolved');
    expect(unknownResolved.length).toBe(statuses.filter((x) => x >= 500).length);
    for (const d of unknownResolved) {
      const op = (await getLedgerOperation('TRANSFER', d.id)) as LedgerOperation;
      expect(op.status).toBe('RESOLVED');
      expect(truth.map((t) => t.id)).toContain(op.details?.['resolvedTo']);
      expect(d.repaired).toBe(true);
    }
    // Every operation reconciliation changed is in the report, marked repaired.
    for (const op of truth) {
      const ours = (await getLedgerOperation('TRANSFER', op.id)) as LedgerOperation;
      const touched = ours.history.some((h) => h.source === 'reconciliation') || ours.details?.['reconRun'] === report.runId;
      if (!touched) continue;
      const reported = report.discrepancies.filter((d) => d.id === op.id || d.theirs?.['id'] === op.id);
      expect(reported.length, `repair of ${op.id} reported`).toBeGreaterThan(0);
      expect(reported.every((d) => d.repaired)).toBe(true);
    }
    // One EventBridge event per discrepancy.
    const events = s.local.bus.list({ detailType: 'p100.reconciliation.discrepancy' }).filter((e) => e.detail['runId'] === report.runId);
    expect(events).toHaveLength(report.discrepancyCount);

    // A second run finds nothing left to repair for this user.
    const again = await reconcile();
    expect(again.discrepancies.filter((d) => d.ours?.['externalUserId'] === user || d.theirs?.['externalUserId'] === user)).toEqual([]);
  });
});

describe('seeded mismatches', () => {
  it('detects and classifies each: amount, status, only at P100, only here, UNKNOWN never received, user state', async () => {
    const user = newUserId('rc-seed');
    await activeKycUser(s, user, { eur: '1000' });
    const transfer = async (amount: string) => {
      const res = await s.call('POST', `/users/${user}/transfers`, { headers: idem(), body: { direction: 'FUNDING', amount, currency: 'eur' } });
      expect(res.status, res.text).toBe(202);
      return res.body.transferId as string;
    };
    const matched = await transfer('1.10');
    const amountOff = await transfer('2.20');
    const statusOff = await transfer('3.30');
    await webhooksSettled();
    expect((await getLedgerOperation('TRANSFER', statusOff))!.status).toBe('SUCCESSFUL');
    // Only at P100: made at P100 directly, its webhook lost.
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 1 });
    const direct = await fetch(`${s.p100}/v1/transfer`, {
      method: 'POST',
      headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ destinationExternalUserId: user, amount: '4.40', currency: 'eur' }),
    });
    const onlyAtP100 = ((await direct.json()) as { transferId: string }).transferId;
    await webhooksSettled();
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0 });
    // P100's truth changed by hand, no webhook.
    await s.control('PATCH', `/_sandbox/operations/${amountOff}`, { amount: '2.21' });
    await s.control('PATCH', `/_sandbox/operations/${statusOff}`, { status: 'FAILED' });
    // Only here, and an UNKNOWN write P100 never received (requested long ago: past its grace).
    const onlyHere = `ghost-${randomUUID()}`;
    await recordOperation({ type: 'TRANSFER', id: onlyHere, status: 'SUCCESSFUL', source: 'api', externalUserId: user, amount: '5.50', currency: 'eur' });
    const unknownId = `unknown:createTransfer:it-${randomUUID()}`;
    await recordOperation({
      type: 'TRANSFER',
      id: unknownId,
      status: 'UNKNOWN',
      source: 'api',
      externalUserId: user,
      amount: '6.60',
      currency: 'eur',
      at: new Date(Date.now() - 3_600_000).toISOString(),
    });
    // Users: activation missed here; one P100 does not know.
    await upsertUser({ externalUserId: user });
    await setUserFact({ externalUserId: user, fact: 'status', value: 'WAITING_FOR_VERIFICATION', at: new Date().toISOString(), source: 'test' });
    const ghostUser = newUserId('rc-ghost');
    await upsertUser({ externalUserId: ghostUser });

    const report = await reconcile();

    expect(classesOf(report, matched)).toEqual([]);
    expect(classesOf(report, amountOff)).toEqual(['amount-mismatch']);
    expect(classesOf(report, statusOff)).toEqual(['status-mismatch']);
    expect(classesOf(report, onlyAtP100)).toEqual(['missing-here']);
    expect(classesOf(report, onlyHere)).toEqual(['missing-at-p100']);
    expect(classesOf(report, unknownId)).toEqual(['unknown-failed']);
    expect(classesOf(report, user)).toEqual(['user-state-mismatch']);
    expect(classesOf(report, ghostUser)).toEqual(['user-missing-at-p100']);
    const byId = (id: string, cls: string) => report.discrepancies.find((d) => d.id === id && d.class === cls)!;
    expect(byId(amountOff, 'amount-mismatch')).toMatchObject({ repaired: false, ours: { amount: '2.20' }, theirs: { amount: '2.21' } });
    expect(byId(statusOff, 'status-mismatch')).toMatchObject({ repaired: true, ours: { status: 'SUCCESSFUL' }, theirs: { status: 'FAILED' } });
    expect(byId(onlyAtP100, 'missing-here').repaired).toBe(true);
    expect(byId(onlyHere, 'missing-at-p100').repaired).toBe(false);
    expect(byId(unknownId, 'unknown-failed').repaired).toBe(true);

    // The repairs are in the ledger.
    expect((await getLedgerOperation('TRANSFER', statusOff))!.status).toBe('FAILED');
    expect(await getLedgerOperation('TRANSFER', onlyAtP100)).toMatchObject({ status: 'SUCCESSFUL', amount: '4.40' });
    const failed = (await getLedgerOperation('TRANSFER', unknownId))!;
    expect(failed.status).toBe('FAILED');
    expect(String(failed.details?.['failureReason'])).toContain('P100 never received it');
    expect((await getLedgerUser(user))!.facts['status']!.value).toBe('ACTIVE');
    expect((await getLedgerOperation('TRANSFER', amountOff))!.amount).toBe('2.20');

    // Counts per class agree with the listed discrepancies.
    for (const cls of [
      'amount-mismatch',
      'status-mismatch',
      'missing-here',
      'missing-at-p100',
      'unknown-failed',
      'user-state-mismatch',
      'user-missing-at-p100',
    ]) {
      expect(report.counts[cls], cls).toBe(report.discrepancies.filter((d) => d.class === cls).length);
    }
    expect(report.counts['matched']).toBeGreaterThan(0);
  });

  it('serves the latest report, pages discrepancies, and rejects a bad run id with a 400', async () => {
    const latest = await s.call('GET', '/operations/reconciliation/reports/latest?limit=1');
    expect(latest.status, latest.text).toBe(200);
    expect(latest.body.discrepancies.length).toBeLessThanOrEqual(1);
    if (latest.body.discrepancyCount > 1) {
      expect(typeof latest.body.nextCursor).toBe('string');
      const next = await s.call('GET', `/operations/reconciliation/reports/latest?limit=1&cursor=${latest.body.nextCursor as string}`);
      expect(next.status).toBe(200);
      expect(next.body.discrepancies[0]).not.toEqual(latest.body.discrepancies[0]);
    }
    const bad = await s.call('GET', '/operations/reconciliation/reports/not-a-run');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const unknown = await s.call('GET', '/operations/reconciliation/reports/20200101T000000Z-00000000');
    expect(unknown.status).toBe(404);
  });
});
