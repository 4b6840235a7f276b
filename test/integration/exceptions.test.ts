/**
 * Issue 26, observation 2: a discrepancy reconciliation cannot repair (an amount P100 changed by hand) came
 * back in every run as if new, with no owner, no acknowledge or resolve, no audit, and the timeline called
 * it a "repair". Here it is one exception across runs, with its state, owner, notes and audit trail (who did
 * what), through the operator API; resolving touches no money; P100 fixing it closes it as fixed-at-p100.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLedgerOperation } from '../../shared/store/index.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeKycUser, fundPartner, idem, newUserId } from './operations-support.js';

let s: TestSuite;
let user: string;
let transferId: string;
let exceptionId: string;
const runs: string[] = [];

beforeAll(async () => {
  // The default overlap (300 s): each run reads the last minutes of history again, so it re-examines the transfer.
  s = await startTestSuite({ seed: 26 });
  await fundPartner(s, 'eur', '100000');
  user = newUserId('exc');
  await activeKycUser(s, user, { eur: '1000' });
  const res = await s.call('POST', `/users/${user}/transfers`, { headers: idem(), body: { direction: 'FUNDING', amount: '250.00', currency: 'eur' } });
  expect(res.status, res.text).toBe(202);
  transferId = res.body.transferId as string;
  await s.control('POST', '/_sandbox/settle');
  await s.local.queues.get('webhook')?.idle();
  // P100's amount changed by hand, no webhook: reconciliation can report it, never repair it.
  await s.control('PATCH', `/_sandbox/operations/${transferId}`, { amount: '205.00' });
  exceptionId = `amount-mismatch:TRANSFER:${transferId}`;
}, 60_000);

afterAll(async () => {
  await s?.close();
});

async function run(): Promise<string> {
  const started = await s.call('POST', '/operations/reconciliation/runs', { headers: { 'x-operator': 'sam.ops' } });
  expect(started.status, started.text).toBe(202);
  const runId = started.body.runId as string;
  await s.local.reconciliation.idle();
  const report = await s.call('GET', `/operations/reconciliation/reports/${runId}?limit=1000`);
  expect(report.body.status, report.text).toBe('COMPLETED');
  runs.push(runId);
  return runId;
}

const act = (body: Record<string, unknown>, operator = 'jane.ops') =>
  s.call('POST', `/operations/exceptions/${encodeURIComponent(exceptionId)}/actions`, { body, headers: { 'x-operator': operator } });

describe('the exception queue', () => {
  it('one exception across runs: first seen, last seen, count, with the user and the field diff', async () => {
    const first = await run();
    const one = await s.call('GET', `/operations/exceptions/${encodeURIComponent(exceptionId)}`);
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({ state: 'open', count: 1, firstRunId: first, lastRunId: first, externalUserId: user, type: 'TRANSFER', id: transferId });
    const diff = one.body.diff as { field: string; ours: unknown; theirs: unknown; differs: boolean; compared: boolean }[];
    // The cause first; each side's own stamps (when it wrote it, P100's entry id) last, never taken for the cause.
    expect(diff[0]).toEqual({ field: 'amount', ours: '250.00', theirs: '205.00', differs: true, compared: true });
    expect(diff.filter((d) => d.compared && d.differs).map((d) => d.field)).toEqual(['amount']);
    expect(diff.find((d) => d.field === 'createdAt')).toMatchObject({ compared: false });

    const second = await run();
    const again = await s.call('GET', `/operations/exceptions/${encodeURIComponent(exceptionId)}`);
    expect(again.body).toMatchObject({ state: 'open', count: 2, firstRunId: first, lastRunId: second, firstSeen: one.body.firstSeen });
    const listed = await s.call('GET', `/operations/exceptions?subject=${transferId}&state=active`);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items.map((e: { exceptionId: string }) => e.exceptionId)).toEqual([exceptionId]);
    expect(listed.body).toMatchObject({ total: 1, totalIsLowerBound: false });
  });

  it('acknowledge and resolve with a note, each recorded with who and when; bad changes are refused and change nothing', async () => {
    expect((await act({ action: 'acknowledge' })).status).toBe(400); // no note
    expect((await act({ action: 'reopen', note: 'not resolved yet' })).status).toBe(409);
    expect((await s.call('POST', '/operations/exceptions/amount-mismatch:TRANSFER:nope/actions', { body: { action: 'note', note: 'hello' } })).status).toBe(
      404,
    );
    const ack = await act({ action: 'acknowledge', note: 'ticket 4711 with P100, write to jane@example.com' });
    expect(ack.status, ack.text).toBe(200);
    expect(ack.body).toMatchObject({ state: 'acknowledged', owner: 'jane.ops', updatedBy: 'jane.ops' });
    // A note is free text: an e-mail typed into it rests masked.
    expect(ack.text).not.toContain('jane@example.com');
    const stale = await act({ action: 'resolve', note: 'from an old page', version: 1 });
    expect(stale.status, stale.text).toBe(409);
    const resolved = await act({ action: 'resolve', note: 'P100 confirms 205.00; our side is corrected by finance' }, 'lee.ops');
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body.state).toBe('resolved');
    const audit = resolved.body.audit as { actor: string; action: string; note?: string; at: string }[];
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['jane.ops', 'acknowledge'],
      ['lee.ops', 'resolve'],
    ]);
    expect(audit[1]?.note).toBe('P100 confirms 205.00; our side is corrected by finance');
    // Resolving wrote the audit, never the money.
    expect((await getLedgerOperation('TRANSFER', transferId))?.amount).toBe('250.00');
  });

  it('the timeline says "found, not repaired" (never "repair") and shows who did what, paged', async () => {
    const t = await s.call('GET', `/operations/timeline/operation/${transferId}?limit=500`);
    expect(t.status, t.text).toBe(200);
    const entries = t.body.entries as { kind: string; title: string }[];
    expect(entries.filter((e) => e.title.includes('amount-mismatch')).map((e) => e.kind)).toContain('discrepancy');
    expect(entries.some((e) => e.kind === 'repair' && e.title.includes('amount-mismatch'))).toBe(false);
    expect(entries.filter((e) => e.kind === 'operator').map((e) => e.title)).toEqual(
      expect.arrayContaining([expect.stringContaining('jane.ops: acknowledge'), expect.stringContaining('lee.ops: resolve')]),
    );
    const first = await s.call('GET', `/operations/timeline/operation/${transferId}?limit=2`);
    expect(first.body).toMatchObject({ total: t.body.total, offset: 0 });
    expect(first.body.entries).toHaveLength(2);
    const second = await s.call('GET', `/operations/timeline/operation/${transferId}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.offset).toBe(2);
    expect(second.body.entries).toEqual(entries.slice(2, 4));
    expect(second.body.prevCursor).toBeDefined();
    // Starting a run is an operator action too: on the operator's own timeline.
    const sam = await s.call('GET', '/operations/timeline/operator/sam.ops');
    expect(
      (sam.body.entries as { kind: string; title: string }[]).filter((e) => e.kind === 'operator' && e.title.includes('started reconciliation run')),
    ).toHaveLength(runs.length);
  });

  it('reopened, then fixed at P100 when a later run no longer finds it', async () => {
    expect((await act({ action: 'reopen', note: 'finance has not corrected it' })).body.state).toBe('open');
    await s.control('PATCH', `/_sandbox/operations/${transferId}`, { amount: '250.00' });
    const third = await run();
    const e = await s.call('GET', `/operations/exceptions/${encodeURIComponent(exceptionId)}`);
    expect(e.body).toMatchObject({ state: 'fixed-at-p100', count: 2, updatedBy: 'reconciliation' });
    expect(e.body.audit.at(-1)).toMatchObject({ actor: 'reconciliation', action: 'fixed-at-p100', ref: { runId: third } });
    const active = await s.call('GET', `/operations/exceptions?subject=${transferId}&state=active`);
    expect(active.body.total).toBe(0);
  });
});
