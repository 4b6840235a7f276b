import * as z from 'zod';
import { EVENT_SOURCE } from './source.js';

/**
 * Every EventBridge event the suite publishes, as one zod table: the webhook processor and reconciliation
 * build their `detail` with the types below, the client package (client/src/events.ts) parses with the same
 * schemas, and test/unit/published-events.test.ts keeps shared/webhooks/EVENTS.md, the webhook catalog and
 * the lifecycles equal to it. A new event, field or status is one edit here.
 *
 * Statuses are those the processor can publish: the lifecycle's states without the suite's own `UNKNOWN`
 * and `RESOLVED` (an unknown status is parked, never published; shared/webhooks/lifecycles.ts).
 */

/** The `source` of every event on the bus (EventBridge `source`; shared/events/source.ts). */
export { EVENT_SOURCE };

const eventId = z.string().regex(/^[0-9a-f]{64}$/, 'an inbox eventId (64 lower-case hex characters)');

/**
 * P100's payload as the classification lets it travel: known fields typed, the rest kept (EVENTS.md). Every
 * known field may be absent or null (P100 sends `null` for a partner's own user, a repair carries only ids and
 * status) and may be a number where text is usual (the receiver reads ids as either): the table describes, it
 * does not demand more than P100 promises. The publishers check `data` only as a JSON object (see
 * `publishedEvent`): P100's payload never stops an event; the typed fields are the consumers' view.
 */
const payload = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape);
const text = () => z.union([z.string(), z.number()]).nullable().optional();
const amount = () => z.union([z.string(), z.number()]).nullable().optional();

const amountFields = { amount: amount(), currency: text() };

/** The detail of a webhook (or its reconciliation repair): one schema per detail-type. */
function statusEvent<const W extends string, const S extends readonly [string, ...string[]], D extends z.ZodType>(webhook: W, statuses: S, data: D) {
  return z.object({
    version: z.literal('1'),
    eventId,
    webhook: z.literal(webhook),
    entityId: z.string(),
    status: z.enum(statuses),
    previousStatus: z.string().optional(),
    externalUserId: z.string().optional(),
    occurredAt: z.string(),
    source: z.enum(['webhook', 'reconciliation']),
    /** Set on a reconciliation repair: the run that published it. */
    runId: z.string().optional(),
    data,
  });
}

/** A one-shot event (card codes): no status. */
function codeEvent<const W extends string, D extends z.ZodType>(webhook: W, data: D) {
  return z.object({
    version: z.literal('1'),
    eventId,
    webhook: z.literal(webhook),
    entityId: z.string(),
    externalUserId: z.string().optional(),
    occurredAt: z.string(),
    source: z.literal('webhook'),
    data,
  });
}

/** `p100.reconciliation.discrepancy`: one per discrepancy of a run, for operators (shared/reconcile/finalize.ts). */
export const discrepancyDetail = z.object({
  runId: z.string(),
  class: z.string(),
  type: z.string(),
  id: z.string(),
  ours: z.record(z.string(), z.json()).nullable(),
  theirs: z.record(z.string(), z.json()).nullable(),
  repaired: z.boolean(),
  account: z.string().optional(),
  note: z.string().optional(),
});

/**
 * detail-type → the webhook that brings it (null: published by the suite itself) and its detail schema.
 * Order: as EVENTS.md lists them.
 */
export const publishedEvents = {
  'p100.user.status-changed': {
    webhook: 'userStatus',
    detail: statusEvent('userStatus', ['WAITING_FOR_VERIFICATION', 'ACTIVE', 'SUSPENDED', 'DELETED'], payload({ externalUserId: text() })),
  },
  'p100.kyc-file.status-changed': {
    webhook: 'kycFileAdded',
    detail: statusEvent('kycFileAdded', ['ADDED', 'ERROR'], payload({ fileType: text(), error: text() })),
  },
  'p100.poa-verification.status-changed': {
    webhook: 'poaVerificationStatus',
    detail: statusEvent('poaVerificationStatus', ['WAITING', 'APPROVED', 'REJECTED', 'QUESTIONED'], payload({})),
  },
  'p100.kyc-verification.status-changed': {
    webhook: 'kycVerificationStatus',
    detail: statusEvent('kycVerificationStatus', ['CREATED', 'PENDING', 'APPROVED', 'REJECTED'], payload({ verificationId: text() })),
  },
  'p100.transfer.status-changed': {
    webhook: 'p2pTransfer',
    detail: statusEvent(
      'p2pTransfer',
      ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'FAILED'],
      payload({ id: text(), sourceExternalUserId: text(), destinationExternalUserId: text(), ...amountFields }),
    ),
  },
  'p100.sepa-transfer.status-changed': {
    webhook: 'sepaTransfer',
    detail: statusEvent('sepaTransfer', ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'FAILED'], payload({ id: text(), ...amountFields })),
  },
  'p100.sepa-deposit.status-changed': {
    webhook: 'sepaDeposit',
    detail: statusEvent('sepaDeposit', ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'REJECTED', 'FAILED'], payload({ id: text(), ...amountFields })),
  },
  'p100.crypto-withdrawal.status-changed': {
    webhook: 'cryptoWithdrawal',
    detail: statusEvent(
      'cryptoWithdrawal',
      ['PENDING', 'PROCESSING', 'SUCCESSFUL', 'FAILED'],
      payload({ withdrawalId: text(), network: text(), transactionHash: text(), ...amountFields }),
    ),
  },
  'p100.crypto-deposit.status-changed': {
    webhook: 'cryptoDeposit',
    detail: statusEvent(
      'cryptoDeposit',
      ['WAITING_FOR_VERIFICATION', 'WAITING_FOR_TR_DATA', 'SUCCESSFUL', 'UNSUCCESSFUL', 'FAILED'],
      payload({ cryptoDepositId: text(), transactionHash: text(), ...amountFields }),
    ),
  },
  'p100.exchange.status-changed': {
    webhook: 'exchange',
    detail: statusEvent(
      'exchange',
      ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED'],
      payload({
        exchangeId: text(),
        currencyFrom: text(),
        currencyTo: text(),
        amount: amount(),
        amountTo: amount(),
      }),
    ),
  },
  'p100.card-transaction.status-changed': {
    webhook: 'cardTransaction',
    detail: statusEvent(
      'cardTransaction',
      ['AUTHORIZED', 'SETTLED', 'DECLINED', 'REVERSED', 'FAILED'],
      payload({ transactionId: text(), cardId: text(), merchantName: text(), ...amountFields }),
    ),
  },
  'p100.card.3ds-code': {
    webhook: 'card3dsCode',
    detail: codeEvent('card3dsCode', payload({ cardId: text(), code: z.union([z.string(), z.number()]), expiresAt: text() })),
  },
  'p100.card.activation-code': {
    webhook: 'cardActivationCode',
    detail: codeEvent('cardActivationCode', payload({ cardId: text(), code: z.union([z.string(), z.number()]) })),
  },
  'p100.iban.status-changed': {
    webhook: 'ibanStatus',
    detail: statusEvent('ibanStatus', ['PENDING', 'APPROVED', 'REJECTED', 'FAILED'], payload({ depositId: text(), iban: text() })),
  },
  // No webhook carries card status: reconciliation publishes it (`webhook: "card"`, the lifecycle's name).
  'p100.card.status-changed': {
    webhook: null,
    detail: statusEvent('card', ['PENDING', 'ACTIVE', 'LOCKED_BY_USER', 'BLOCKED', 'SUSPENDED', 'DELETED', 'FAILED'], payload({ cardId: text() })),
  },
  'p100.reconciliation.discrepancy': { webhook: null, detail: discrepancyDetail },
} as const;

export type PublishedDetailType = keyof typeof publishedEvents;

/** The `detail` of one detail-type, as published. */
export type PublishedDetail<T extends PublishedDetailType> = z.output<(typeof publishedEvents)[T]['detail']>;

/**
 * A published event as a consumer receives it (EventBridge's `detail-type` and `detail`), discriminated on
 * `detailType`.
 */
export type PublishedEvent = { [T in PublishedDetailType]: { detailType: T; source: typeof EVENT_SOURCE; detail: PublishedDetail<T> } }[PublishedDetailType];

export function isPublishedDetailType(t: string): t is PublishedDetailType {
  return Object.hasOwn(publishedEvents, t);
}

/**
 * What a publisher checks: the whole detail the suite computes (envelope, status, ids), with `data`, which
 * is P100's payload, checked only as a JSON object. An unexpected shape inside P100's payload must not hold an
 * event back; the suite's own fields must match.
 */
const publishSchemas = new Map<string, z.ZodType>(
  Object.entries(publishedEvents).map(([t, row]) => [t, 'data' in row.detail.shape ? row.detail.extend({ data: z.record(z.string(), z.json()) }) : row.detail]),
);

/** Thrown when the suite is about to publish an event the table does not describe: a bug, caught before any consumer sees it. */
export class EventContractError extends Error {
  override readonly name = 'EventContractError';
}

/**
 * The event to publish, checked against the table: publishers go through here, so what leaves the suite is
 * what EVENTS.md and the client promise. A mismatch throws (the processor retries and finally parks the
 * inbox event DEAD for the operator; reconciliation keeps the discrepancy in its report): an event is never
 * published in a shape consumers cannot parse.
 */
export function publishedEvent(detailType: string, detail: Record<string, unknown>): { detailType: string; detail: Record<string, unknown> } {
  if (!isPublishedDetailType(detailType)) throw new EventContractError(`detail-type ${detailType} is not in shared/events/published.ts`);
  // Checked as it travels: EventBridge carries JSON, so an undefined member is simply absent.
  const r = (publishSchemas.get(detailType) ?? publishedEvents[detailType].detail).safeParse(JSON.parse(JSON.stringify(detail)));
  if (!r.success) {
    // Paths and codes only: a value may be personal data.
    const issues = r.error.issues.map((i) => `${i.path.join('.') || 'detail'}: ${i.code}`).join('; ');
    throw new EventContractError(`${detailType} detail does not match shared/events/published.ts (${issues})`);
  }
  return { detailType, detail };
}
