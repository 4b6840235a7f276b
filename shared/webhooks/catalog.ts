import { ENV } from '../config/env.js';
import type { OperationType } from '../store/ledger.js';
import type { LifecycleName } from './lifecycles.js';

/**
 * The P100 webhooks we receive, one receiver function each (ARCHITECTURE.md "Webhooks").
 * Paths are partner-side and overridable (WEBHOOK_PATH_OVERRIDES); see shared/p100/ASSUMPTIONS.md §E.
 */
export interface WebhookDefinition {
  /** Receiver name; also the entry file `functions/webhooks/<name>.ts`. */
  name: string;
  path: string;
  /** Where the path comes from: DOC/OLD-DOC (reference) or L (our choice, ASSUMPTIONS.md §E). */
  confidence: 'DOC' | 'OLD-DOC' | 'L';
  /** Field holding the id of the entity the event is about (dedup and ledger key). */
  entityIdField: string;
  /** Field holding the status, or null for one-shot events (codes). */
  statusField: string | null;
  /** The transition table its statuses follow (shared/webhooks/lifecycles.ts); none for one-shot events. */
  lifecycle?: LifecycleName;
  /** EventBridge detail-type of the onward event. */
  detailType: string;
  /**
   * Fields that are one-time secrets or personal data: never logged; secrets never stored in clear. Must equal
   * the non-public known fields of the data classification (shared/classification WEBHOOK_FIELDS; a unit test).
   */
  secretFields: readonly string[];
}

/**
 * Where an event lands in the ledger (shared/webhooks/processor.ts). Kept beside the catalog, keyed by
 * webhook name, so `webhooks` stays the plain list of ARCHITECTURE.md and every webhook must have a row.
 *
 * - `operation`: `applyStatus` on the ledger operation `type` / entity id, along the lifecycle of `type`
 *   (shared/webhooks/lifecycles.ts). `statusMap` translates a webhook status to the operation's status where
 *   the webhook speaks of a side aspect (IBAN name check of a SEPA deposit).
 * - `userFact`: `applyUserTransition` on a fact of the user named by `externalUserId`, along the fact's
 *   lifecycle. `factSuffixField` splits one fact per value of that field (KYC file type, verificationId).
 * - `none`: one-shot events (card codes): nothing to apply, delivered onward once.
 */
export type WebhookLedgerTarget =
  | { kind: 'operation'; type: OperationType; statusMap?: Readonly<Record<string, string>> }
  | { kind: 'userFact'; fact: string; factSuffixField?: string }
  | { kind: 'none' };

export interface WebhookProcessing {
  ledger: WebhookLedgerTarget;
  /**
   * Secret fields the onward EventBridge event still carries (the company app must show the card code).
   * Every other secret field is left out of the onward event.
   */
  deliverSecretFields: readonly string[];
}

/**
 * ASSUMPTIONS.md E3/E4: every operation event upserts (a webhook may race ahead of our own ledger write,
 * or concern an operation whose create answer was lost and is recorded as `unknown:<key>`).
 */
export const webhookProcessing: Readonly<Record<string, WebhookProcessing>> = {
  userStatus: { ledger: { kind: 'userFact', fact: 'status' }, deliverSecretFields: [] },
  kycFileAdded: { ledger: { kind: 'userFact', fact: 'kycFile', factSuffixField: 'fileType' }, deliverSecretFields: [] },
  poaVerificationStatus: { ledger: { kind: 'userFact', fact: 'poaStatus' }, deliverSecretFields: [] },
  kycVerificationStatus: { ledger: { kind: 'userFact', fact: 'kycVerification', factSuffixField: 'verificationId' }, deliverSecretFields: [] },
  p2pTransfer: { ledger: { kind: 'operation', type: 'TRANSFER' }, deliverSecretFields: [] },
  sepaTransfer: { ledger: { kind: 'operation', type: 'SEPA_TRANSFER' }, deliverSecretFields: [] },
  sepaDeposit: { ledger: { kind: 'operation', type: 'SEPA_DEPOSIT' }, deliverSecretFields: [] },
  cryptoWithdrawal: { ledger: { kind: 'operation', type: 'CRYPTO_WITHDRAWAL' }, deliverSecretFields: [] },
  cryptoDeposit: { ledger: { kind: 'operation', type: 'CRYPTO_DEPOSIT' }, deliverSecretFields: [] },
  exchange: { ledger: { kind: 'operation', type: 'EXCHANGE' }, deliverSecretFields: [] },
  cardTransaction: { ledger: { kind: 'operation', type: 'CARD_TRANSACTION' }, deliverSecretFields: [] },
  card3dsCode: { ledger: { kind: 'none' }, deliverSecretFields: ['code'] },
  cardActivationCode: { ledger: { kind: 'none' }, deliverSecretFields: ['code'] },
  // The IBAN name check is a step of the SEPA deposit with the same id: APPROVED means "being credited".
  ibanStatus: {
    ledger: { kind: 'operation', type: 'SEPA_DEPOSIT', statusMap: { PENDING: 'PENDING', APPROVED: 'PROCESSING', REJECTED: 'REJECTED' } },
    deliverSecretFields: [],
  },
};

export const webhooks: readonly WebhookDefinition[] = [
  {
    name: 'userStatus',
    lifecycle: 'userStatus',
    path: '/webhook/user/status',
    confidence: 'DOC',
    entityIdField: 'externalUserId',
    statusField: 'status',
    detailType: 'p100.user.status-changed',
    secretFields: [],
  },
  {
    name: 'kycFileAdded',
    lifecycle: 'kycFile',
    path: '/webhook/kyc-file/status',
    confidence: 'L',
    entityIdField: 'externalUserId',
    statusField: 'status',
    detailType: 'p100.kyc-file.status-changed',
    secretFields: [],
  },
  {
    name: 'poaVerificationStatus',
    lifecycle: 'poa',
    path: '/webhook/poa-verification/status',
    confidence: 'OLD-DOC',
    entityIdField: 'externalUserId',
    statusField: 'status',
    detailType: 'p100.poa-verification.status-changed',
    secretFields: [],
  },
  {
    name: 'kycVerificationStatus',
    lifecycle: 'kycVerification',
    path: '/webhook/kyc-verification/status',
    confidence: 'L',
    entityIdField: 'externalUserId',
    statusField: 'status',
    detailType: 'p100.kyc-verification.status-changed',
    secretFields: [],
  },
  {
    name: 'p2pTransfer',
    lifecycle: 'transfer',
    path: '/webhook/p2p-transfer/status',
    confidence: 'L',
    entityIdField: 'id',
    statusField: 'status',
    detailType: 'p100.transfer.status-changed',
    secretFields: [],
  },
  {
    name: 'sepaTransfer',
    lifecycle: 'sepaTransfer',
    path: '/webhook/sepa-transfer/status',
    confidence: 'L',
    entityIdField: 'id',
    statusField: 'status',
    detailType: 'p100.sepa-transfer.status-changed',
    secretFields: ['destinationIban', 'receiverFirstName', 'receiverLastName'],
  },
  {
    name: 'sepaDeposit',
    lifecycle: 'sepaDeposit',
    path: '/webhook/sepa-deposit/status',
    confidence: 'L',
    entityIdField: 'id',
    statusField: 'status',
    detailType: 'p100.sepa-deposit.status-changed',
    secretFields: ['senderName', 'senderIban'],
  },
  {
    name: 'cryptoWithdrawal',
    lifecycle: 'cryptoWithdrawal',
    path: '/webhook/crypto-withdrawal/status',
    confidence: 'L',
    entityIdField: 'withdrawalId',
    statusField: 'status',
    detailType: 'p100.crypto-withdrawal.status-changed',
    secretFields: [],
  },
  {
    name: 'cryptoDeposit',
    lifecycle: 'cryptoDeposit',
    path: '/webhook/crypto-deposit/status',
    confidence: 'L',
    entityIdField: 'cryptoDepositId',
    statusField: 'status',
    detailType: 'p100.crypto-deposit.status-changed',
    secretFields: [],
  },
  {
    name: 'exchange',
    lifecycle: 'exchange',
    path: '/webhook/exchange/status',
    confidence: 'L',
    entityIdField: 'exchangeId',
    statusField: 'status',
    detailType: 'p100.exchange.status-changed',
    secretFields: [],
  },
  {
    name: 'cardTransaction',
    lifecycle: 'cardTransaction',
    path: '/webhook/card/transaction',
    confidence: 'L',
    entityIdField: 'transactionId',
    statusField: 'status',
    detailType: 'p100.card-transaction.status-changed',
    secretFields: [],
  },
  {
    name: 'card3dsCode',
    path: '/webhook/card/3ds-code',
    confidence: 'L',
    entityIdField: 'cardId',
    statusField: null,
    detailType: 'p100.card.3ds-code',
    secretFields: ['code'],
  },
  {
    name: 'cardActivationCode',
    path: '/webhook/card/activation-code',
    confidence: 'L',
    entityIdField: 'cardId',
    statusField: null,
    detailType: 'p100.card.activation-code',
    secretFields: ['code'],
  },
  {
    name: 'ibanStatus',
    lifecycle: 'ibanStatus',
    path: '/webhook/iban/status',
    confidence: 'L',
    entityIdField: 'depositId',
    statusField: 'status',
    detailType: 'p100.iban.status-changed',
    secretFields: ['iban', 'senderName'],
  },
];

/** The unauthenticated health route P100 may probe (DOC FAQ). */
export const webhookHealthPath = '/webhook/health';

/** The webhook of that name; throws on a typo (a receiver for a webhook we do not know is a bug). */
export function getWebhook(name: string): WebhookDefinition {
  const w = webhooks.find((d) => d.name === name);
  if (!w) throw new Error(`Unknown webhook "${name}": add it to shared/webhooks/catalog.ts`);
  return w;
}

export function webhookProcessingOf(name: string): WebhookProcessing {
  const p = webhookProcessing[name];
  if (!p) throw new Error(`Webhook "${name}" has no processing row in shared/webhooks/catalog.ts`);
  return p;
}

/**
 * The partner-side path of a webhook: WEBHOOK_PATH_OVERRIDES (JSON `{ "<name>": "/webhook/..." }`) wins
 * over the catalog, so a path P100 confirms differently is a configuration change (ASSUMPTIONS.md §E).
 *
 * @example
 * webhookPath(getWebhook('exchange')) // '/webhook/exchange/status' unless overridden
 */
export function webhookPath(def: Pick<WebhookDefinition, 'name' | 'path'>, env: NodeJS.ProcessEnv = process.env): string {
  const raw = env[ENV.webhookPathOverrides];
  if (!raw) return def.path;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${ENV.webhookPathOverrides} is not valid JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${ENV.webhookPathOverrides} must be a JSON object`);
  const override: unknown = (parsed as Record<string, unknown>)[def.name];
  if (override === undefined) return def.path;
  if (typeof override !== 'string' || !/^\/webhook\/[A-Za-z0-9/_.-]+$/.test(override)) {
    throw new Error(`${ENV.webhookPathOverrides}.${def.name} must be a path starting with /webhook/`);
  }
  return override;
}

export function webhookEntryFile(name: string): string {
  return `functions/webhooks/${name}.ts`;
}

for (const w of webhooks) if (!webhookProcessing[w.name]) throw new Error(`Webhook "${w.name}" has no processing row`);
