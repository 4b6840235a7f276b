import { z } from 'zod';
import { defineOperation } from './types.js';
import { balances, currency, decimalAmount, historyPage, historyQuery, p100Id, upstreamAmount } from './schemas.js';

export const getPartnerBalances = defineOperation({
  operationId: 'getPartnerBalances',
  area: 'partner',
  summary: "The partner's own fiat and crypto balances, with network fees and minimums per network.",
  route: { method: 'GET', path: '/partner/balances' },
  upstream: { method: 'GET', path: '/v1/partner/balances', assumption: 'P1' },
  kind: 'read',
  confidence: 'M',
  request: {},
  response: balances,
  redact: ['iban'],
});

export const getPartnerTransactions = defineOperation({
  operationId: 'getPartnerTransactions',
  area: 'partner',
  summary: "One page of the partner's transaction history, oldest first.",
  route: { method: 'GET', path: '/partner/transactions' },
  upstream: { method: 'GET', path: '/v1/partner/transactions', assumption: 'P2, A7, A8' },
  kind: 'read',
  confidence: 'L',
  request: { query: historyQuery },
  response: historyPage,
  redact: [],
});

const lockQuery = z
  .object({ currencyFrom: currency, currencyTo: currency, amount: decimalAmount })
  .strict()
  .refine((q) => q.currencyFrom !== q.currencyTo, { message: 'currencyTo must differ from currencyFrom', path: ['currencyTo'] });

export const exchangeLockResponse = z.looseObject({
  lockId: z.string(),
  rate: upstreamAmount,
  amount: upstreamAmount.optional(),
  amountTo: upstreamAmount.optional(),
  currencyFrom: z.string().optional(),
  currencyTo: z.string().optional(),
  expiresAt: z.string().optional(),
});

export const createPartnerExchangeLock = defineOperation({
  operationId: 'createPartnerExchangeLock',
  area: 'partner',
  summary: 'Quote a binding rate for a partner-balance exchange and reserve it (returns a lockId, valid briefly).',
  route: { method: 'POST', path: '/partner/exchange-locks' },
  upstream: { method: 'GET', path: '/v1/partner/exchange/lock', assumption: 'P3, C8' },
  kind: 'write',
  confidence: 'L',
  request: { body: lockQuery },
  response: exchangeLockResponse,
  successStatus: 201,
  redact: [],
  // The lock is GET upstream (docs navigation) but creates state, so our route is a POST with a body.
  toUpstream: ({ body }) => ({ query: body as Record<string, string> }),
});

export const exchangeBody = z
  .object({ amount: decimalAmount, currencyFrom: currency, currencyTo: currency, lockId: p100Id })
  .strict()
  .refine((b) => b.currencyFrom !== b.currencyTo, { message: 'currencyTo must differ from currencyFrom', path: ['currencyTo'] });

export const createPartnerExchange = defineOperation({
  operationId: 'createPartnerExchange',
  area: 'partner',
  summary: "Execute an exchange on the partner's balances at a locked rate. Settles asynchronously.",
  route: { method: 'POST', path: '/partner/exchanges' },
  upstream: { method: 'POST', path: '/v1/partner/exchange' },
  kind: 'money',
  confidence: 'H',
  request: { body: exchangeBody },
  response: z.looseObject({ exchangeId: z.string() }),
  successStatus: 202,
  redact: [],
});
