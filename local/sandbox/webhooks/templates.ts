import { iso } from '../clock.js';
import type { Sandbox } from '../sandbox.js';
import { WebhookPaths } from './paths.js';

/**
 * A body for every webhook the sandbox can send, shaped as the sandbox's own domain sends it (domain/,
 * routes/), with fresh ids: `POST /_sandbox/webhooks/trigger` (and `p100 trigger`) starts from one and lets
 * the caller override any field, add fields P100 never documented, or remove one (`null` at the top level
 * keeps the key with a null value; leave a key out of the template with `omit`).
 */

export type WebhookName = keyof typeof WebhookPaths;

/** The user a user-scoped event is about, unless the caller names one: the newest the sandbox knows. */
function newestUser(sb: Sandbox): string | undefined {
  let last: string | undefined;
  for (const u of sb.state.users.values()) if (!u.deleted) last = u.externalUserId;
  return last;
}

export function webhookTemplate(sb: Sandbox, name: WebhookName): Record<string, unknown> {
  const id = () => sb.ids.uuid();
  const now = iso(sb.now());
  const user = newestUser(sb);
  switch (name) {
    case 'userStatus':
      return { externalUserId: user, status: 'ACTIVE' };
    case 'kycFileAdded':
      return { externalUserId: user, fileType: 'DOCUMENT_FRONT', status: 'ADDED' };
    case 'poaVerificationStatus':
      return { externalUserId: user, status: 'APPROVED' };
    case 'kycVerificationStatus':
      return { externalUserId: user, verificationId: id(), status: 'APPROVED' };
    case 'p2pTransfer':
      return { id: id(), sourceExternalUserId: null, destinationExternalUserId: null, amount: '10.00', currency: 'eur', status: 'SUCCESSFUL', createdAt: now };
    case 'sepaTransfer':
      return { id: id(), type: 'external', amount: '10.00', transferTitle: 'Invoice 1', status: 'SUCCESSFUL', currency: 'eur', createdAt: now };
    case 'sepaDeposit':
      return { id: id(), externalUserId: null, amount: '25.00', currency: 'eur', status: 'SUCCESSFUL', title: 'Top-up', createdAt: now };
    case 'cryptoWithdrawal':
      return {
        withdrawalId: id(),
        externalUserId: null,
        currency: 'usdc',
        network: 'polygon',
        amount: '5',
        status: 'SUCCESSFUL',
        transactionHash: `0x${sb.ids.digits(16)}`,
        createdAt: now,
      };
    case 'cryptoDeposit':
      return {
        cryptoDepositId: id(),
        externalUserId: null,
        amount: '0.001',
        currency: 'eth',
        status: 'SUCCESSFUL',
        transactionHash: `0x${sb.ids.digits(16)}`,
        createdAt: now,
      };
    case 'exchange':
      return {
        exchangeId: id(),
        externalUserId: null,
        currencyFrom: 'eur',
        currencyTo: 'btc',
        amount: '100.00',
        amountTo: '0.001',
        rate: '100000',
        status: 'COMPLETED',
        createdAt: now,
      };
    case 'cardTransaction':
      return {
        transactionId: id(),
        externalUserId: user,
        cardId: id(),
        amount: '12.50',
        currency: 'eur',
        merchantName: 'Coffee Shop',
        status: 'AUTHORIZED',
        createdAt: now,
      };
    case 'card3dsCode':
      return { externalUserId: user, cardId: id(), code: sb.ids.digits(6), expiresAt: iso(sb.now() + 5 * 60 * 1000) };
    case 'cardActivationCode':
      return { externalUserId: user, cardId: id(), code: sb.ids.digits(6) };
    case 'ibanStatus':
      return { externalUserId: null, iban: 'DE89370400440532013000', depositId: id(), status: 'APPROVED' };
  }
}

export function isWebhookName(name: string): name is WebhookName {
  return Object.hasOwn(WebhookPaths, name);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `fields` over `base`, objects merged key by key at every depth; any other value replaces. */
export function mergeFields(base: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(fields)) {
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? mergeFields(prev, v) : v;
  }
  return out;
}
