/**
 * The timeline's entries (shared/console/timeline.ts), from each store's record: what an operator reads
 * for a request, a ledger state change, a webhook and a reconciliation repair, and which of them count as
 * published events (ASSUMPTIONS O3). No DynamoDB: the records are built here as the stores hold them.
 */
import { describe, expect, it } from 'vitest';
import { ledgerEntries, repairEntries, requestEntries, webhookEntries } from '../../shared/console/timeline.js';
import type { IdempotencyRecord } from '../../shared/idempotency/persistence.js';
import type { InboxEvent } from '../../shared/store/inbox.js';
import type { LedgerOperation } from '../../shared/store/ledger.js';
import type { DiscrepancyItem } from '../../shared/store/reconciliation.js';

const T0 = '2026-01-24T10:15:00.000Z';
const T1 = '2026-01-24T10:15:01.000Z';
const T2 = '2026-01-24T10:15:02.000Z';

const record = (over: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  pk: 'createTransfer#order-1234',
  operationId: 'createTransfer',
  idempotencyKey: 'order-1234',
  fingerprint: 'f',
  status: 'IN_PROGRESS',
  lockToken: 't',
  lockExpiresAt: 0,
  expiresAt: 0,
  createdAt: T0,
  updatedAt: T1,
  ...over,
});

const event = (over: Partial<InboxEvent> = {}): InboxEvent => ({
  pk: 'EVT#e',
  sk: 'EVENT',
  eventId: 'e'.repeat(64),
  webhook: 'p2pTransfer',
  envelope: 'flat',
  payload: '{}',
  state: 'RECEIVED',
  receivedAt: T0,
  deliveries: 1,
  expiresAt: 0,
  gsi1pk: 'STATE#RECEIVED',
  gsi1sk: T0,
  ...over,
});

describe('requests (Idempotency-Key records)', () => {
  it('an unfinished request is one entry; its ledger reference becomes a link', () => {
    const out = requestEntries(record({ ledgerRef: { type: 'TRANSFER', id: 'tr-1' } }));
    expect(out).toEqual([
      {
        at: T0,
        kind: 'request',
        title: 'createTransfer requested (Idempotency-Key order-1234)',
        ref: { operationId: 'createTransfer', idempotencyKey: 'order-1234', operation: 'TRANSFER:tr-1' },
      },
    ]);
  });

  it('a completed request adds its answer, with or without a stored response', () => {
    const answered = requestEntries(record({ status: 'COMPLETED', outcome: 'ACCEPTED', response: { statusCode: 201, headers: {}, body: '{}' } }));
    expect(answered.map((e) => e.title)).toEqual(['createTransfer requested (Idempotency-Key order-1234)', 'createTransfer answered 201 (ACCEPTED)']);
    expect(answered[1]).toMatchObject({ at: T1, detail: { outcome: 'ACCEPTED', statusCode: 201 } });
    expect(requestEntries(record({ status: 'COMPLETED' }))[1]?.title).toBe('createTransfer answered (no outcome)');
  });
});

describe('ledger states', () => {
  it('one entry per status change, the not applied ones said so, amounts in the detail', () => {
    const op: LedgerOperation = {
      pk: 'OP#TRANSFER#tr-1',
      sk: 'OP',
      type: 'TRANSFER',
      id: 'tr-1',
      status: 'SUCCESSFUL',
      statusRank: 2,
      externalUserId: 'user-1',
      amount: '5.50',
      currency: 'eur',
      createdAt: T0,
      updatedAt: T1,
      history: [
        { status: 'PENDING', at: T0, source: 'api', applied: true },
        { status: 'PENDING', at: T1, source: 'webhook', applied: false, note: 'duplicate' },
      ],
    };
    const out = ledgerEntries(op);
    expect(out.map((e) => e.title)).toEqual(['TRANSFER tr-1: PENDING', 'TRANSFER tr-1: PENDING (not applied)']);
    expect(out[0]?.detail).toEqual({ source: 'api', amount: '5.50', currency: 'eur', externalUserId: 'user-1' });
    expect(out[1]?.detail).toMatchObject({ note: 'duplicate' });
    expect(ledgerEntries({ ...op, amount: undefined, currency: undefined, externalUserId: undefined })[0]?.detail).toEqual({ source: 'api' });
  });
});

describe('webhooks', () => {
  it('a stored event not processed yet: received only, nothing published', () => {
    const out = webhookEntries(event());
    expect(out).toEqual([
      { at: T0, kind: 'webhook', title: 'p2pTransfer received', detail: { state: 'RECEIVED', deliveries: 1 }, ref: { eventId: 'e'.repeat(64) } },
    ]);
  });

  it('an applied and published event: received, applied, published at processing', () => {
    const out = webhookEntries(
      event({ status: 'SUCCESSFUL', entityId: 'tr-1', state: 'PROCESSED', outcome: { applied: true, at: T1 }, published: true, processedAt: T2 }),
    );
    expect(out.map((e) => [e.kind, e.title, e.at])).toEqual([
      ['webhook', 'p2pTransfer SUCCESSFUL received', T0],
      ['webhook', 'p2pTransfer applied', T1],
      ['published', 'p2pTransfer event published', T2],
    ]);
  });

  it('a dead event that was not applied: the reason and why it died', () => {
    const out = webhookEntries(event({ state: 'DEAD', deadReason: 'processing failed 5 times', outcome: { applied: false, reason: 'invalid', at: T1 } }));
    expect(out[0]?.detail).toMatchObject({ deadReason: 'processing failed 5 times' });
    expect(out[1]?.title).toBe('p2pTransfer not applied: invalid');
    expect(webhookEntries(event({ outcome: { applied: false, at: T1 } }))[1]?.title).toBe('p2pTransfer not applied: no reason');
  });

  it('published without a processing time: dated by the outcome, else by the receipt', () => {
    expect(webhookEntries(event({ published: true, outcome: { applied: true, at: T1 } })).at(-1)?.at).toBe(T1);
    expect(webhookEntries(event({ published: true })).at(-1)?.at).toBe(T0);
  });
});

describe('reconciliation repairs', () => {
  const d: DiscrepancyItem & { runId: string } = {
    pk: 'RECON#RUN#r',
    sk: 'D#x',
    runId: '20260124T101500Z-1a2b3c4d',
    class: 'status-mismatch',
    type: 'TRANSFER',
    id: 'tr-1',
    ours: { status: 'PENDING' },
    theirs: { status: 'SUCCESSFUL' },
    repaired: true,
    at: T2,
  };

  it('a repaired discrepancy is also a published event (the webhook event type, from reconciliation)', () => {
    const out = repairEntries({ ...d, note: 'P100 moved on' });
    expect(out.map((e) => [e.kind, e.title])).toEqual([
      ['repair', 'reconciliation repaired status-mismatch TRANSFER tr-1'],
      ['published', 'TRANSFER tr-1 published by reconciliation'],
    ]);
    expect(out[0]?.detail).toEqual({ ours: { status: 'PENDING' }, theirs: { status: 'SUCCESSFUL' }, note: 'P100 moved on' });
    expect(out[0]?.ref).toEqual({ runId: d.runId });
  });

  it('an unrepaired one is reported as a discrepancy, not a repair (issue 26), nothing published', () => {
    const out = repairEntries({ ...d, class: 'amount-mismatch', repaired: false });
    expect(out.map((e) => [e.kind, e.title])).toEqual([['discrepancy', 'reconciliation found amount-mismatch TRANSFER tr-1, not repaired']]);
    expect(out[0]?.detail).toEqual({ ours: { status: 'PENDING' }, theirs: { status: 'SUCCESSFUL' } });
  });
});
