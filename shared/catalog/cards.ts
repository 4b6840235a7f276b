import * as z from 'zod';
import { toMinorUnits } from '../decimal.js';
import { pathIntoBody } from './mapping.js';
import { defineOperation } from './types.js';
import { boundedText, externalUserId, lessOrEqual, messageResponse, p100IdOf, upstreamAmount, upstreamStatus, userPathParams, withRules } from './schemas.js';

/**
 * Virtual cards (reference part 2 §4, ASSUMPTIONS V1–V9, C12): KYC users that are ACTIVE and extended.
 * P100 returns the full card number and CVV on create and details; we pass them to the caller (who shows
 * them to the card holder) and never log them: every such field is in `redact`.
 */

const CARD_SECRETS = ['cardNumber', 'cvv', 'exp', 'pin'] as const;

const cardPathParams = z.object({ externalUserId, cardId: p100IdOf('The `cardId` createCard returned') }).strict();
const pin = z
  .string()
  .regex(/^\d{4}$/, '4 digits')
  .describe('The card PIN: 4 digits. Never logged.');

export const cardStatus = upstreamStatus;

/** The card calls P100 addresses by JSON body (PATCH/DELETE `/v1/card/...`): both ids from our path. */
const cardIntoBody = pathIntoBody({ externalUserId: 'externalUserId', cardId: 'cardId' });

/**
 * A card limit in EUR (unit per ASSUMPTIONS G4): a decimal string with at most 2 decimals and 9 integer
 * digits, so `Number(limit)` (P100 wants JSON numbers here) prints back exactly the digits we were given.
 */
const CARD_LIMIT_RE = /^(?:0|[1-9]\d{0,8})(?:\.\d{1,2})?$/;
const cardLimit = z
  .string()
  .regex(CARD_LIMIT_RE, 'a decimal string such as "500.00" (0 to 999999999.99)')
  .describe('A limit in EUR: a decimal string, at most 2 decimals, 0 to 999999999.99.');

/**
 * Cents as a bigint, to compare limits without floating point; undefined for a value that failed its own
 * field check (zod still runs the object's refinement then, and `BigInt('<script>')` would throw a 500).
 */
function cents(s: unknown): bigint | undefined {
  if (typeof s !== 'string' || !CARD_LIMIT_RE.test(s)) return undefined;
  return toMinorUnits(s, 2);
}

const LIMIT_PAIRS = [
  ['dailyTrxAll', 'monthlyTrxAll'],
  ['dailyTrxAtm', 'monthlyTrxAtm'],
  ['dailyTrxEcom', 'monthlyTrxEcom'],
] as const;

const cardLimitsBody = withRules(
  z
    .object({
      monthlyTrxAll: cardLimit,
      dailyTrxAll: cardLimit,
      monthlyTrxAtm: cardLimit,
      dailyTrxAtm: cardLimit,
      monthlyTrxEcom: cardLimit,
      dailyTrxEcom: cardLimit,
    })
    .strict(),
  [lessOrEqual(LIMIT_PAIRS, cents)],
  { id: 'CardLimitsRequest', description: 'All six spending limits, in EUR; each daily limit at most its monthly one:' },
);

const cardLimitsResponse = z
  .looseObject({
    monthlyTrxAll: upstreamAmount.optional(),
    dailyTrxAll: upstreamAmount.optional(),
    monthlyTrxAtm: upstreamAmount.optional(),
    dailyTrxAtm: upstreamAmount.optional(),
    monthlyTrxEcom: upstreamAmount.optional(),
    dailyTrxEcom: upstreamAmount.optional(),
  })
  .meta({ id: 'CardLimits', description: "A card's daily and monthly spending limits, in EUR." });

/** A card as P100 shows it to its holder: status and the sensitive data (never logged). */
export const card = z
  .looseObject({ status: cardStatus, cardNumber: z.string().optional(), cvv: z.string().optional(), exp: z.string().optional() })
  .meta({ id: 'Card', description: 'A card: status and, for display to its holder only, number, CVV and expiry (never logged).' });

export const createCard = defineOperation({
  operationId: 'createCard',
  area: 'cards',
  summary: 'Issue a virtual card to an active, extended KYC user. Returns the card number and CVV once; never logged.',
  route: { method: 'POST', path: '/users/{externalUserId}/cards' },
  upstream: { method: 'POST', path: '/v1/card/virtual', assumption: 'V1, C12' },
  kind: 'money',
  confidence: '3P',
  request: {
    params: userPathParams,
    body: z
      .object({ label: boundedText(64).describe("The card's label, shown to its holder."), pin })
      .strict()
      .meta({ id: 'CreateCardRequest' }),
  },
  response: z
    .looseObject({ cardId: z.string(), cardNumber: z.string().optional(), cvv: z.string().optional(), exp: z.string().optional() })
    .meta({ id: 'CardCreated', description: 'The new card: its id and, once, number, CVV and expiry (never logged).' }),
  successStatus: 201,
  redact: CARD_SECRETS,
  ledger: { type: 'CARD', idField: 'cardId', externalUserId: 'params.externalUserId' },
  toUpstream: pathIntoBody({ externalUserId: 'externalUserId' }),
  links: [
    {
      name: 'GetCard',
      operationId: 'getCard',
      parameters: { externalUserId: '$request.path.externalUserId', cardId: '$response.body#/cardId' },
      description: 'The new card.',
    },
    {
      name: 'GetCardLimits',
      operationId: 'getCardLimits',
      parameters: { externalUserId: '$request.path.externalUserId', cardId: '$response.body#/cardId' },
      description: "The new card's limits.",
    },
  ],
});

export const listUserCards = defineOperation({
  operationId: 'listUserCards',
  area: 'cards',
  summary: "A user's cards (not deleted) with status, label and last four digits.",
  route: { method: 'GET', path: '/users/{externalUserId}/cards' },
  upstream: { method: 'GET', path: '/v1/card/all/{externalUserId}', assumption: 'V2, C12' },
  kind: 'read',
  confidence: '3P',
  request: { params: userPathParams },
  response: z
    .looseObject({
      cards: z.array(
        z
          .looseObject({ cardId: z.string(), status: cardStatus.optional(), label: z.string().optional(), cardLastDigits: z.string().optional() })
          .meta({ id: 'CardSummary', description: 'A card in a list: id, status, label and last four digits.' }),
      ),
    })
    .meta({ id: 'CardList' }),
  redact: [],
});

export const getCard = defineOperation({
  operationId: 'getCard',
  area: 'cards',
  summary: 'Status and sensitive data (card number, CVV, expiry) of a card, for display to its holder; never logged.',
  route: { method: 'GET', path: '/users/{externalUserId}/cards/{cardId}' },
  upstream: { method: 'GET', path: '/v1/card/details/{externalUserId}/{cardId}', assumption: 'V3' },
  kind: 'read',
  confidence: 'H',
  request: { params: cardPathParams },
  response: card,
  redact: CARD_SECRETS,
});

export const updateCardPin = defineOperation({
  operationId: 'updateCardPin',
  area: 'cards',
  summary: "Set a card's PIN (4 digits).",
  route: { method: 'PUT', path: '/users/{externalUserId}/cards/{cardId}/pin' },
  upstream: { method: 'PATCH', path: '/v1/card/pin', assumption: 'V4, C12' },
  kind: 'write',
  confidence: '3P',
  request: { params: cardPathParams, body: z.object({ pin }).strict() },
  response: messageResponse,
  redact: CARD_SECRETS,
  toUpstream: cardIntoBody,
});

export const blockCard = defineOperation({
  operationId: 'blockCard',
  area: 'cards',
  summary: 'Lock a card (LOCKED_BY_USER): every transaction is declined until it is unblocked.',
  route: { method: 'POST', path: '/users/{externalUserId}/cards/{cardId}/block' },
  upstream: { method: 'PATCH', path: '/v1/card/block', assumption: 'V5, C12' },
  kind: 'write',
  confidence: '3P',
  request: { params: cardPathParams },
  response: messageResponse,
  redact: [],
  toUpstream: cardIntoBody,
  // No webhook carries card status: the ledger's card moves with the accepted step (C12, F11).
  cardLedger: { status: 'LOCKED_BY_USER' },
});

export const unblockCard = defineOperation({
  operationId: 'unblockCard',
  area: 'cards',
  summary: 'Unlock a card locked by blockCard.',
  route: { method: 'POST', path: '/users/{externalUserId}/cards/{cardId}/unblock' },
  upstream: { method: 'PATCH', path: '/v1/card/unblock', assumption: 'V6, C12' },
  kind: 'write',
  confidence: '3P',
  request: { params: cardPathParams },
  response: messageResponse,
  redact: [],
  toUpstream: cardIntoBody,
  // No webhook carries card status: the ledger's card moves with the accepted step (C12, F11).
  cardLedger: { status: 'ACTIVE' },
});

export const getCardLimits = defineOperation({
  operationId: 'getCardLimits',
  area: 'cards',
  summary: "A card's daily and monthly spending limits (all, ATM, e-commerce), as decimal strings.",
  route: { method: 'GET', path: '/users/{externalUserId}/cards/{cardId}/limits' },
  upstream: { method: 'GET', path: '/v1/card/limits/{externalUserId}/{cardId}', assumption: 'V7' },
  kind: 'read',
  confidence: '3P',
  request: { params: cardPathParams },
  response: cardLimitsResponse,
  redact: [],
});

export const updateCardLimits = defineOperation({
  operationId: 'updateCardLimits',
  area: 'cards',
  summary: "Replace all six of a card's spending limits (a daily limit may not exceed its monthly one).",
  route: { method: 'PUT', path: '/users/{externalUserId}/cards/{cardId}/limits' },
  upstream: { method: 'PATCH', path: '/v1/card/limits', assumption: 'V8, G4' },
  kind: 'write',
  confidence: '3P',
  request: { params: cardPathParams, body: cardLimitsBody },
  response: messageResponse,
  redact: [],
  toUpstream: (input) => {
    const b = input.body as z.output<typeof cardLimitsBody>;
    const ids = cardIntoBody({ ...input, body: {} }).body as Record<string, unknown>;
    // The 3P contract types limits as JSON numbers; `cardLimit` bounds them so the conversion is exact.
    return { body: { ...ids, ...Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Number(v)])) } };
  },
});

export const deleteCard = defineOperation({
  operationId: 'deleteCard',
  area: 'cards',
  summary: 'Delete a card for good (status DELETED).',
  route: { method: 'DELETE', path: '/users/{externalUserId}/cards/{cardId}' },
  upstream: { method: 'DELETE', path: '/v1/card', assumption: 'V9' },
  kind: 'write',
  confidence: '3P',
  request: { params: cardPathParams },
  response: messageResponse,
  redact: [],
  toUpstream: cardIntoBody,
  // No webhook carries card status: the ledger's card moves with the accepted step (C12, F11).
  cardLedger: { status: 'DELETED' },
});
