/**
 * Issue 11, the six observations: lifecycles that are not straight lines (suspend/unsuspend cycles, a
 * card refund after settlement, POA re-upload after a rejection, a new KYC verification after a rejected
 * one), a body that nests 10,000 arrays, and bodies that must be kept but never applied (unknown status,
 * unknown user, oversized id). Each drives the sandbox and the local suite as `npm start` wires them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getInboxEvent } from '../../shared/store/inbox.js';
import { getLedgerOperation } from '../../shared/store/ledger.js';
import { getLedgerUser } from '../../shared/store/ledger-users.js';
import { startTestSuite, type TestSuite } from '../support/suite.js';
import { activeUser, busEvents, createdUser, deliver, p100, waitFor } from './webhooks-support.js';

let s: TestSuite;

beforeAll(async () => {
  s = await startTestSuite({ seed: 11 });
  // Reviews are decided by the test, not by the sandbox's automatic approval.
  await s.control('POST', '/_sandbox/config', { autoApprove: false });
});
afterAll(async () => {
  await s?.close();
});

/** Everything the sandbox has to deliver is delivered (or given up), and the processor is idle. */
async function quiet(): Promise<void> {
  await waitFor('sandbox deliveries finished', async () => {
    const d = await s.control<{ deliveries: { status: string }[] }>('GET', '/_sandbox/webhooks/deliveries?status=PENDING');
    return d.deliveries.length === 0;
  });
  await s.local.queues.get('webhook')?.idle();
}

const statuses = (webhook: string, entityId: string): string[] => busEvents(s, { webhook, entityId }).map((e) => String(e.detail.status));

async function poaUpload(id: string): Promise<number> {
  const fd = new FormData();
  fd.append('files', new Blob([new Uint8Array(200)], { type: 'application/pdf' }), 'bill.pdf');
  return (await p100(s, 'POST', `/v1/user/poa-files/${id}`, fd)).status;
}

async function inboxItem(eventId: unknown) {
  return waitFor(`inbox ${String(eventId)} settled`, async () => {
    const i = await getInboxEvent(String(eventId));
    return i && i.state !== 'RECEIVED' && i.state !== 'ENQUEUED' ? i : undefined;
  });
}

describe('observation 1: suspend / unsuspend cycles', () => {
  it('every ACTIVE and SUSPENDED P100 delivers is applied and published once, in order', async () => {
    await activeUser(s, 'lc-susp');
    await quiet();
    for (const method of ['POST', 'DELETE', 'POST', 'DELETE']) {
      const r = await s.call(method, '/users/lc-susp/suspension');
      expect(r.status, r.text).toBeLessThan(300);
      await quiet();
    }
    expect(statuses('userStatus', 'lc-susp')).toEqual(['ACTIVE', 'SUSPENDED', 'ACTIVE', 'SUSPENDED', 'ACTIVE']);
    expect((await getLedgerUser('lc-susp'))?.facts.status?.value).toBe('ACTIVE');
  });
});

describe('observation 2: a card refund', () => {
  it('SETTLED then REVERSED for the same transactionId: REVERSED is applied and published', async () => {
    await activeUser(s, 'lc-card', { eur: '100' });
    const card = await p100(s, 'POST', '/v1/card/virtual', { externalUserId: 'lc-card', label: 'main', pin: '1234' });
    expect(card.status).toBe(201);
    const cardId = String(card.json.cardId);
    await s.control('POST', `/_sandbox/cards/${cardId}/transactions`, { transactionId: 'lc-tx-1', amount: '12.50', merchantName: 'Shop', status: 'SETTLED' });
    await quiet();
    await s.control('POST', `/_sandbox/cards/${cardId}/transactions`, { transactionId: 'lc-tx-1', amount: '12.50', merchantName: 'Shop', status: 'REVERSED' });
    await quiet();
    expect(statuses('cardTransaction', 'lc-tx-1')).toEqual(['SETTLED', 'REVERSED']);
    expect((await getLedgerOperation('CARD_TRANSACTION', 'lc-tx-1'))?.status).toBe('REVERSED');
  });
});

describe('observation 3: POA rejected, re-uploaded, approved', () => {
  it('the second review and its approval are applied and published', async () => {
    await activeUser(s, 'lc-poa');
    await quiet();
    expect(await poaUpload('lc-poa')).toBe(201);
    await quiet();
    await s.control('POST', '/_sandbox/users/lc-poa/poa', { status: 'REJECTED' });
    await quiet();
    expect(await poaUpload('lc-poa')).toBe(201);
    await quiet();
    await s.control('POST', '/_sandbox/users/lc-poa/poa', { status: 'APPROVED' });
    await quiet();
    expect(statuses('poaVerificationStatus', 'lc-poa')).toEqual(['WAITING', 'REJECTED', 'WAITING', 'APPROVED']);
    expect((await getLedgerUser('lc-poa'))?.facts.poaStatus?.value).toBe('APPROVED');
  });
});

describe('observation 4: KYC rejected, then a new verification approved', () => {
  it('the approval of the new verification is applied and published', async () => {
    await createdUser(s, 'lc-kyc');
    const first = await p100(s, 'POST', '/v1/kyc', { externalUserId: 'lc-kyc' });
    expect(first.status).toBe(201);
    await s.control('POST', '/_sandbox/users/lc-kyc/kyc', { status: 'REJECTED' });
    await quiet();
    const second = await p100(s, 'POST', '/v1/kyc', { externalUserId: 'lc-kyc' });
    expect(second.status).toBe(201);
    expect(second.json.verificationId).not.toBe(first.json.verificationId);
    await s.control('POST', '/_sandbox/users/lc-kyc/kyc', { status: 'APPROVED' });
    await quiet();
    const events = busEvents(s, { webhook: 'kycVerificationStatus', entityId: 'lc-kyc' }).map((e) => [
      (e.detail.data as Record<string, unknown>).verificationId,
      e.detail.status,
    ]);
    expect(events).toEqual([
      [first.json.verificationId, 'REJECTED'],
      [second.json.verificationId, 'APPROVED'],
    ]);
  });
});

describe('observation 5: a body nesting 10,000 arrays', () => {
  it('answers a clear 4xx problem, never 5xx, and stores nothing', async () => {
    const raw = `{"externalUserId":"lc-deep","status":"ACTIVE","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const r = await deliver(s, '/webhook/user/status', undefined, s.webhookToken, raw);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.json).toMatchObject({ status: r.status });
    expect(String(r.json.detail)).toMatch(/levels/);
  });
});

describe('observation 6: kept for the operator, never applied', () => {
  it('an unknown status (10 KB) is not applied, not published, and is flagged', async () => {
    await activeUser(s, 'lc-unknown');
    await quiet();
    const before = busEvents(s, { entityId: 'lc-unknown' }).length;
    const r = await deliver(s, '/webhook/user/status', { externalUserId: 'lc-unknown', status: 'Z'.repeat(10 * 1024) });
    expect(r.status).toBe(200);
    const item = await inboxItem(r.json.eventId);
    // Since issue 23 a 10 KB status fails the safe-id rule (64 characters at most) before any lifecycle is asked.
    expect(item).toMatchObject({ state: 'DEAD', flag: 'unsafe-id' });
    expect((await getLedgerUser('lc-unknown'))?.facts.status?.value).toBe('ACTIVE');
    expect(busEvents(s, { entityId: 'lc-unknown' })).toHaveLength(before);
  });

  it('a webhook for a user we never created creates no user record, and is flagged', async () => {
    const r = await deliver(s, '/webhook/user/status', { externalUserId: 'lc-stranger', status: 'ACTIVE' });
    expect(r.status).toBe(200);
    const item = await inboxItem(r.json.eventId);
    expect(item).toMatchObject({ state: 'DEAD', flag: 'unknown-user' });
    expect(await getLedgerUser('lc-stranger')).toBeUndefined();
    expect(busEvents(s, { entityId: 'lc-stranger' })).toHaveLength(0);
  });

  it('an entity id too long for a DynamoDB key is parked at once, not retried', async () => {
    const id = 't'.repeat(3000);
    const r = await deliver(s, '/webhook/card/transaction', {
      transactionId: id,
      externalUserId: 'lc-unknown',
      cardId: 'c',
      amount: '1.00',
      currency: 'eur',
      status: 'AUTHORIZED',
    });
    expect(r.status).toBe(200);
    const item = await inboxItem(r.json.eventId);
    expect(item.state).toBe('DEAD');
    expect(item.flag).toBe('oversized-id');
    expect(item.deadReason).toMatch(/oversized-id/);
    expect(s.local.queues.get('webhook')?.dlq ?? []).toHaveLength(0);
  });
});

describe('reconciliation repairs every readable lifecycle and publishes the repair as the webhook event', () => {
  /** Starts a run over HTTP and waits for it and its user sweep. */
  async function reconcile(): Promise<void> {
    const started = await s.call('POST', '/operations/reconciliation/runs');
    expect(started.status, started.text).toBe(202);
    await s.local.reconciliation.idle();
    const res = await s.call('GET', `/operations/reconciliation/reports/${String(started.body.runId)}`);
    const errors = [...s.local.reconciliation.invoker.errors.map(String), ...s.local.reconciliation.queue.dlq.map((d) => d.body)];
    expect(res.body.status, `${res.text} ${errors.join('; ')}`).toBe('COMPLETED');
  }
  const fromRecon = (webhook: string, entityId: string) =>
    busEvents(s, { webhook, entityId })
      .filter((e) => e.detail.source === 'reconciliation')
      .map((e) => String(e.detail.status));

  it('a suspension whose webhook was lost, a refund whose webhook was lost, a POA approval whose webhook was lost', async () => {
    await activeUser(s, 'lc-rec', { eur: '100' });
    const card = await p100(s, 'POST', '/v1/card/virtual', { externalUserId: 'lc-rec', label: 'main', pin: '1234' });
    const cardId = String(card.json.cardId);
    await s.control('POST', `/_sandbox/cards/${cardId}/transactions`, { transactionId: 'lc-rec-tx', amount: '5.00', merchantName: 'Shop', status: 'SETTLED' });
    expect(await poaUpload('lc-rec')).toBe(201);
    await quiet();
    expect(statuses('cardTransaction', 'lc-rec-tx')).toEqual(['SETTLED']);

    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 1 });
    await s.control('POST', `/_sandbox/cards/${cardId}/transactions`, { transactionId: 'lc-rec-tx', status: 'REVERSED', amount: '5.00', merchantName: 'Shop' });
    await s.control('POST', '/_sandbox/users/lc-rec/poa', { status: 'APPROVED' });
    // Suspended at P100 directly (not through our API): only the lost webhook would have told us.
    expect((await p100(s, 'PATCH', '/v1/user/suspend/lc-rec')).status).toBe(200);
    await s.control('POST', '/_sandbox/webhooks/faults', { dropRate: 0 });
    await quiet();
    expect((await getLedgerUser('lc-rec'))?.facts.status?.value).toBe('ACTIVE');

    await reconcile();
    const user = await getLedgerUser('lc-rec');
    expect(user?.facts.status?.value).toBe('SUSPENDED');
    expect(user?.facts.poaStatus?.value).toBe('APPROVED');
    expect((await getLedgerOperation('CARD_TRANSACTION', 'lc-rec-tx'))?.status).toBe('REVERSED');
    expect(fromRecon('userStatus', 'lc-rec')).toEqual(['SUSPENDED']);
    expect(fromRecon('poaVerificationStatus', 'lc-rec')).toEqual(['APPROVED']);
    expect(fromRecon('cardTransaction', 'lc-rec-tx')).toEqual(['REVERSED']);
    const suspended = busEvents(s, { webhook: 'userStatus', entityId: 'lc-rec' }).find((e) => e.detail.source === 'reconciliation');
    expect(suspended?.detailType).toBe('p100.user.status-changed');
    expect(suspended?.detail).toMatchObject({ previousStatus: 'ACTIVE', externalUserId: 'lc-rec' });
    // The discrepancy events stay for operators.
    expect(busEvents(s).some((e) => e.detailType === 'p100.reconciliation.discrepancy' && (e.detail as Record<string, unknown>).id === 'lc-rec')).toBe(true);

    // A stale POA event (WAITING after APPROVED) marks the fact; the next run finds P100 agreeing and answers the mark.
    const stale = await deliver(s, '/webhook/poa-verification/status', { externalUserId: 'lc-rec', status: 'WAITING' });
    expect((await inboxItem(stale.json.eventId)).outcome).toMatchObject({ applied: false, reason: 'invalid' });
    expect((await getLedgerUser('lc-rec'))?.facts.poaStatus?.verify).toMatch(/APPROVED → WAITING/);

    // A second run finds nothing left to repair and publishes nothing again.
    const before = busEvents(s, { entityId: 'lc-rec' }).length;
    await reconcile();
    expect(busEvents(s, { entityId: 'lc-rec' })).toHaveLength(before);
    expect((await getLedgerUser('lc-rec'))?.facts.poaStatus).toMatchObject({ value: 'APPROVED' });
    expect((await getLedgerUser('lc-rec'))?.facts.poaStatus?.verify).toBeUndefined();
  });

  it('an event that is no valid transition marks the entity for verification; reconciliation answers the mark', async () => {
    // lc-tx-1 is REVERSED here and at P100 (observation 2); a late AUTHORIZED arrives.
    const r = await deliver(s, '/webhook/card/transaction', {
      transactionId: 'lc-tx-1',
      externalUserId: 'lc-card',
      cardId: 'c',
      amount: '12.50',
      currency: 'eur',
      merchantName: 'Shop',
      status: 'AUTHORIZED',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const item = await inboxItem(r.json.eventId);
    expect(item.outcome).toMatchObject({ applied: false, reason: 'invalid' });
    const marked = await getLedgerOperation('CARD_TRANSACTION', 'lc-tx-1');
    expect(marked).toMatchObject({ status: 'REVERSED', gsi1pk: 'OPEN' });
    expect(marked?.verify).toMatch(/REVERSED → AUTHORIZED/);
    await reconcile();
    const checked = await getLedgerOperation('CARD_TRANSACTION', 'lc-tx-1');
    expect(checked?.status).toBe('REVERSED');
    expect(checked?.verify).toBeUndefined();
    expect(checked?.gsi1pk).toBeUndefined();
  });

  it('a deletion (no webhook exists for it) is announced once by reconciliation', async () => {
    await activeUser(s, 'lc-del');
    await quiet();
    expect((await s.call('DELETE', '/users/lc-del')).status).toBeLessThan(300);
    expect((await getLedgerUser('lc-del'))?.facts.status?.value).toBe('DELETED');
    await reconcile();
    expect(fromRecon('userStatus', 'lc-del')).toEqual(['DELETED']);
  });
});
