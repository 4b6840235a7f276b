import * as z from 'zod';
import { pathAndBodyIntoQuery, pathIntoBody } from './mapping.js';
import { exchangeBody, exchangeCreated, exchangeLockResponse, lockQuery } from './partner.js';
import { defineOperation } from './types.js';
import { p100IdOf, upstreamAmount, upstreamCurrency, upstreamStatus, userPathParams } from './schemas.js';

/** Currency exchange on a user's balances (reference part 1 §6, ASSUMPTIONS E1–E4, C8): rate, lock, exchange, details. */

const lowerSlug = upstreamCurrency;

export const exchangeRateResponse = z
  .looseObject({
    rate: upstreamAmount,
    currencyFrom: lowerSlug.optional(),
    currencyTo: lowerSlug.optional(),
    amount: upstreamAmount.optional(),
    amountTo: upstreamAmount.optional(),
  })
  .meta({ id: 'ExchangeRate', description: 'An indicative rate (not binding): one unit of `currencyFrom` in `currencyTo`.' });

/** Exchange details (ASSUMPTIONS C8); `externalUserId` is null for partner exchanges. */
export const exchangeDetails = z
  .looseObject({
    id: z.string(),
    externalUserId: z.string().nullable().optional(),
    currencyFrom: lowerSlug,
    currencyTo: lowerSlug,
    amount: upstreamAmount,
    amountTo: upstreamAmount.optional(),
    rate: upstreamAmount.optional(),
    fee: upstreamAmount.optional(),
    status: upstreamStatus,
    createdAt: z.string().optional(),
  })
  .meta({ id: 'Exchange', description: 'An exchange (user or partner): amounts, rate, fee and status (PENDING, PROCESSING, COMPLETED, FAILED).' });

export const getExchangeRate = defineOperation({
  operationId: 'getExchangeRate',
  area: 'exchange',
  summary: 'An indicative (not binding) exchange rate and the amount it would give; lock a rate to exchange.',
  route: { method: 'GET', path: '/exchange-rates' },
  upstream: { method: 'GET', path: '/v1/exchange/rate', assumption: 'E1, C8' },
  kind: 'read',
  confidence: 'L',
  request: { query: lockQuery },
  response: exchangeRateResponse,
  redact: [],
});

export const createExchangeLock = defineOperation({
  operationId: 'createExchangeLock',
  area: 'exchange',
  summary: "Quote a binding rate for an exchange on a user's balances and reserve it (lockId, valid 60 s, single use).",
  route: { method: 'POST', path: '/users/{externalUserId}/exchange-locks' },
  upstream: { method: 'GET', path: '/v1/exchange/lock', assumption: 'E2, C8' },
  kind: 'write',
  confidence: 'L',
  request: { params: userPathParams, body: lockQuery },
  response: exchangeLockResponse,
  successStatus: 201,
  redact: [],
  // GET upstream (docs navigation) but it creates a lock, so our route is a POST.
  toUpstream: pathAndBodyIntoQuery({ externalUserId: 'externalUserId' }),
});

export const createExchange = defineOperation({
  operationId: 'createExchange',
  area: 'exchange',
  summary: "Execute an exchange on a user's balances at a locked rate. Settles asynchronously (COMPLETED or FAILED).",
  route: { method: 'POST', path: '/users/{externalUserId}/exchanges' },
  upstream: { method: 'POST', path: '/v1/exchange', assumption: 'E3, C8' },
  kind: 'money',
  confidence: 'L',
  request: { params: userPathParams, body: exchangeBody },
  response: exchangeCreated,
  successStatus: 202,
  redact: [],
  ledger: { type: 'EXCHANGE', idField: 'exchangeId', externalUserId: 'params.externalUserId', amount: 'body.amount', currency: 'body.currencyFrom' },
  toUpstream: pathIntoBody({ externalUserId: 'externalUserId' }),
  links: [
    {
      name: 'GetExchange',
      operationId: 'getExchange',
      parameters: { exchangeId: '$response.body#/exchangeId' },
      description: 'The exchange, until it settles.',
    },
  ],
});

export const getExchange = defineOperation({
  operationId: 'getExchange',
  area: 'exchange',
  summary: 'Status, amounts, rate and fee of an exchange (user or partner).',
  route: { method: 'GET', path: '/exchanges/{exchangeId}' },
  upstream: { method: 'GET', path: '/v1/exchange/details/{exchangeId}', assumption: 'E4, C8' },
  kind: 'read',
  confidence: 'L',
  request: { params: z.object({ exchangeId: p100IdOf('The `exchangeId` createExchange or createPartnerExchange returned') }).strict() },
  response: exchangeDetails,
  redact: [],
});
