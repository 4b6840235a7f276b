import type { Sandbox } from '../sandbox.js';
import { ControlError } from '../http/errors.js';
import { iso } from '../clock.js';
import { formatUnits, parseAmount } from '../decimal.js';
import { credit, debit, recordOperation, setStatus } from './accounts.js';
import { findCurrency } from '../state/currencies.js';
import type { Card, CardTransactionOp } from '../state/model.js';
import { WebhookPaths } from '../webhooks/paths.js';

/** Card-network events the sandbox plays on behalf of the card scheme: transactions, 3DS and activation codes. */

export const MAX_ACTIVE_CARDS = 10;
const DAY = 24 * 60 * 60 * 1000;
/** Rolling creation windows: 5 / 24 h, 10 / 30 days, 20 / 12 months. */
export const CARD_CREATION_WINDOWS = [
  { label: '24h', ms: DAY, max: 5 },
  { label: '30d', ms: 30 * DAY, max: 10 },
  { label: '12m', ms: 365 * DAY, max: 20 },
] as const;

/** A Luhn-valid 16-digit number starting with 5 (Mastercard range), from the seeded stream. */
export function cardNumber(sb: Sandbox): string {
  const body = `5${sb.ids.digits(14)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export function getCardForControl(sb: Sandbox, cardId: string | undefined): Card {
  const card = cardId ? sb.state.cards.get(cardId) : undefined;
  if (!card || card.status === 'DELETED') throw new ControlError(404, 'unknown card');
  return card;
}

export interface CardTransactionInput {
  transactionId?: string;
  amount: string | number;
  merchantName: string;
  status?: CardTransactionOp['status'];
}

const TX_STATUSES = ['AUTHORIZED', 'SETTLED', 'DECLINED', 'REVERSED'] as const;

function emitTx(sb: Sandbox, op: CardTransactionOp): void {
  sb.emit(WebhookPaths.cardTransaction, {
    transactionId: op.id,
    externalUserId: op.externalUserId,
    cardId: op.cardId,
    amount: formatUnits(op.amount, op.currency.scale),
    currency: op.currency.slug,
    merchantName: op.merchantName,
    status: op.status,
    createdAt: iso(op.createdAt),
  });
}

/**
 * A card transaction. New: AUTHORIZED (default) or SETTLED debits the user's eur balance, declined
 * when the card is not ACTIVE or funds are short. Same id again: a replay (nothing new) unless the
 * status moves on (AUTHORIZED → SETTLED, → REVERSED which gives the money back).
 */
export function playCardTransaction(sb: Sandbox, card: Card, input: CardTransactionInput): { op: CardTransactionOp; replayed: boolean } {
  const status = input.status === undefined ? undefined : TX_STATUSES.find((s) => s === String(input.status).toUpperCase());
  if (input.status !== undefined && !status) throw new ControlError(400, `status must be one of ${TX_STATUSES.join(', ')}`);
  if (input.transactionId !== undefined) {
    const existing = sb.state.ops.get(input.transactionId);
    if (existing && existing.type !== 'CARD_TRANSACTION') throw new ControlError(409, 'transactionId is used by another operation');
    if (existing) {
      if (!status || status === existing.status) return { op: existing, replayed: true };
      transition(sb, existing, status);
      return { op: existing, replayed: false };
    }
  }
  const eur = findCurrency('eur');
  if (!eur) throw new Error('eur missing');
  const amount = parseAmount(input.amount, eur.scale);
  if (amount === null) throw new ControlError(400, 'amount must be a positive eur amount');
  if (typeof input.merchantName !== 'string' || input.merchantName.trim() === '') throw new ControlError(400, 'merchantName is required');
  if (status === 'REVERSED') throw new ControlError(400, 'a new transaction cannot start REVERSED');
  const user = sb.state.users.get(card.externalUserId);
  if (!user || user.deleted) throw new ControlError(404, 'card owner is gone');
  const now = sb.now();
  const op: CardTransactionOp = {
    id: input.transactionId ?? sb.ids.uuid(),
    type: 'CARD_TRANSACTION',
    status: 'DECLINED',
    amount,
    currency: eur,
    externalUserId: card.externalUserId,
    createdAt: now,
    updatedAt: now,
    entries: [],
    cardId: card.cardId,
    merchantName: input.merchantName,
    debited: 0n,
  };
  const wanted = status ?? 'AUTHORIZED';
  if (wanted !== 'DECLINED' && card.status === 'ACTIVE' && debit(user, eur, amount)) {
    op.debited = amount;
    op.status = wanted;
  }
  recordOperation(sb, op, [{ account: user, direction: 'OUT' }]);
  emitTx(sb, op);
  return { op, replayed: false };
}

function transition(sb: Sandbox, op: CardTransactionOp, to: CardTransactionOp['status']): void {
  const allowed = (op.status === 'AUTHORIZED' && (to === 'SETTLED' || to === 'REVERSED')) || (op.status === 'SETTLED' && to === 'REVERSED');
  if (!allowed) throw new ControlError(409, `cannot move a ${op.status} transaction to ${to}`);
  if (to === 'REVERSED' && op.debited > 0n) {
    const user = sb.state.users.get(op.externalUserId ?? '');
    if (user) credit(user, op.currency, op.debited);
    op.debited = 0n;
  }
  setStatus(sb, op, to);
  emitTx(sb, op);
}

/** 3DS one-time code; replaying the same code for the same card sends nothing new. */
export function sendCardCode(sb: Sandbox, card: Card, kind: '3ds' | 'activation', code: unknown): { event: Record<string, unknown>; replayed: boolean } {
  if (code !== undefined && (typeof code !== 'string' || !/^\d{4,8}$/.test(code))) throw new ControlError(400, 'code must be 4-8 digits');
  const value = typeof code === 'string' ? code : sb.ids.digits(6);
  const key = `${kind}:${card.cardId}:${value}`;
  const seen = sb.state.controlReplays.get(key);
  if (seen) return { event: seen, replayed: true };
  const event: Record<string, unknown> =
    kind === '3ds'
      ? { externalUserId: card.externalUserId, cardId: card.cardId, code: value, expiresAt: iso(sb.now() + 5 * 60 * 1000) }
      : { externalUserId: card.externalUserId, cardId: card.cardId, code: value };
  sb.state.controlReplays.set(key, event);
  sb.emit(kind === '3ds' ? WebhookPaths.card3dsCode : WebhookPaths.cardActivationCode, event);
  return { event, replayed: false };
}
