import type { Router } from '../http/router.js';
import { Errors } from '../http/errors.js';
import { message, ok, type Ctx } from '../http/types.js';
import { reqString } from '../http/validate.js';
import { getUser, requireActive, requireKycModel } from '../domain/user-lifecycle.js';
import { CARD_CREATION_WINDOWS, MAX_ACTIVE_CARDS, cardNumber } from '../domain/cards.js';
import type { Card, CardLimits, User } from '../state/model.js';

/** Virtual cards (reference part 2 §4, ASSUMPTIONS C12): KYC, active and extended users only. */

const LIMIT_FIELDS = ['monthlyTrxAll', 'dailyTrxAll', 'monthlyTrxAtm', 'dailyTrxAtm', 'monthlyTrxEcom', 'dailyTrxEcom'] as const;
const DEFAULT_LIMITS: CardLimits = {
  monthlyTrxAll: 10000,
  dailyTrxAll: 2000,
  monthlyTrxAtm: 2000,
  dailyTrxAtm: 500,
  monthlyTrxEcom: 5000,
  dailyTrxEcom: 1000,
};

function reqPin(body: Record<string, unknown>): string {
  const pin = body['pin'];
  if (typeof pin !== 'string' || !/^\d{4}$/.test(pin)) throw Errors.validation('pin must be 4 digits');
  return pin;
}

/** The user behind a card call: known (P412), KYC model (P467), usable (P455/P459), extended (P461). */
function cardUser(ctx: Ctx, externalUserId: unknown): User {
  const u = getUser(ctx.sb, externalUserId);
  requireKycModel(u);
  requireActive(u);
  if (!u.extended) throw Errors.userNotExtended();
  return u;
}

function userCard(ctx: Ctx, u: User, cardId: unknown): Card {
  const card = typeof cardId === 'string' ? ctx.sb.state.cards.get(cardId) : undefined;
  if (!card || card.externalUserId !== u.externalUserId || card.status === 'DELETED') throw Errors.invalidCard();
  return card;
}

/** For the JSON-body card calls: both ids required, then the same checks. */
function bodyCard(ctx: Ctx): Card {
  const u = cardUser(ctx, reqString(ctx.body, 'externalUserId', 128));
  return userCard(ctx, u, reqString(ctx.body, 'cardId', 64));
}

export function registerCardRoutes(r: Router): void {
  r.add('POST', '/v1/card/virtual', (ctx) => {
    const { sb, body } = ctx;
    const label = reqString(body, 'label', 64);
    const pin = reqPin(body);
    const u = cardUser(ctx, reqString(body, 'externalUserId', 128));
    const usable = [...sb.state.cards.values()].filter(
      (c) => c.externalUserId === u.externalUserId && (c.status === 'ACTIVE' || c.status === 'LOCKED_BY_USER'),
    ).length;
    if (usable >= MAX_ACTIVE_CARDS) throw Errors.cardLimitReached();
    const now = sb.now();
    for (const w of CARD_CREATION_WINDOWS) {
      if (u.cardCreations.filter((t) => now - t < w.ms).length >= w.max) throw Errors.cardCreationLimit(w.label);
    }
    const expDate = new Date(now);
    const card: Card = {
      cardId: sb.ids.uuid(),
      externalUserId: u.externalUserId,
      label,
      pin,
      cardNumber: cardNumber(sb),
      cvv: sb.ids.digits(3),
      exp: `${String(expDate.getUTCMonth() + 1).padStart(2, '0')}/${String((expDate.getUTCFullYear() + 3) % 100).padStart(2, '0')}`,
      status: 'ACTIVE',
      statusBeforeSuspend: null,
      limits: { ...DEFAULT_LIMITS },
      createdAt: now,
    };
    sb.state.cards.set(card.cardId, card);
    u.cardCreations.push(now);
    return ok({ cardId: card.cardId, cardNumber: card.cardNumber, cvv: card.cvv, exp: card.exp }, 201);
  });

  r.add('GET', '/v1/card/all/{externalUserId}', (ctx) => {
    const u = getUser(ctx.sb, ctx.params['externalUserId']);
    requireKycModel(u);
    const cards = [...ctx.sb.state.cards.values()]
      .filter((c) => c.externalUserId === u.externalUserId && c.status !== 'DELETED')
      .map((c) => ({ cardId: c.cardId, status: c.status, label: c.label, cardLastDigits: c.cardNumber.slice(-4) }));
    return ok({ cards });
  });

  r.add('GET', '/v1/card/details/{externalUserId}/{cardId}', (ctx) => {
    const u = cardUser(ctx, ctx.params['externalUserId']);
    const c = userCard(ctx, u, ctx.params['cardId']);
    return ok({ status: c.status, cardNumber: c.cardNumber, cvv: c.cvv, exp: c.exp });
  });

  r.add('PATCH', '/v1/card/pin', (ctx) => {
    const pin = reqPin(ctx.body);
    bodyCard(ctx).pin = pin;
    return message('PIN updated');
  });

  // "Block" is the reversible partner/user lock (C12); repeating it is harmless.
  r.add('PATCH', '/v1/card/block', (ctx) => {
    const c = bodyCard(ctx);
    if (c.status !== 'ACTIVE' && c.status !== 'LOCKED_BY_USER') throw Errors.validation(`card is ${c.status}`);
    c.status = 'LOCKED_BY_USER';
    return message('Card blocked');
  });

  r.add('PATCH', '/v1/card/unblock', (ctx) => {
    const c = bodyCard(ctx);
    if (c.status !== 'ACTIVE' && c.status !== 'LOCKED_BY_USER') throw Errors.validation(`card is ${c.status}`);
    c.status = 'ACTIVE';
    return message('Card unblocked');
  });

  r.add('GET', '/v1/card/limits/{externalUserId}/{cardId}', (ctx) => {
    const u = cardUser(ctx, ctx.params['externalUserId']);
    return ok({ ...userCard(ctx, u, ctx.params['cardId']).limits });
  });

  r.add('PATCH', '/v1/card/limits', (ctx) => {
    const next = {} as CardLimits;
    for (const f of LIMIT_FIELDS) {
      const v = ctx.body[f];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw Errors.validation(`${f} must be a non-negative number`);
      next[f] = v;
    }
    if (next.dailyTrxAll > next.monthlyTrxAll || next.dailyTrxAtm > next.monthlyTrxAtm || next.dailyTrxEcom > next.monthlyTrxEcom) {
      throw Errors.validation('a daily limit cannot exceed its monthly limit');
    }
    bodyCard(ctx).limits = next;
    return message('Limits updated');
  });

  r.add('DELETE', '/v1/card', (ctx) => {
    const c = bodyCard(ctx);
    c.status = 'DELETED';
    return message('Card deleted');
  });
}
