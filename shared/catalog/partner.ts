import * as z from 'zod';
import { cryptoWithdrawalBody, cryptoWithdrawalCreated } from './crypto.js';
import { SEPA_REDACT, sepaDepositInfo, sepaTransferBody, sepaTransferCreated, sepaTransferDetails, sepaTransferPathParams } from './sepa.js';
import { defineOperation } from './types.js';
import {
  amountInCurrency,
  balances,
  currency,
  decimalAmount,
  differentCurrencies,
  historyPage,
  historyQuery,
  p100IdOf,
  upstreamAmount,
  upstreamCurrency,
  withRules,
} from './schemas.js';

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

/** What an exchange sells and buys: `amount` is in `currencyFrom` (ASSUMPTIONS G10). */
const exchangeRules = [differentCurrencies('currencyFrom', 'currencyTo'), amountInCurrency('amount', 'currencyFrom')];

export const lockQuery = withRules(
  z
    .object({
      currencyFrom: currency.describe('The currency sold, lower or upper case.'),
      currencyTo: currency.describe('The currency bought, lower or upper case; not `currencyFrom`.'),
      amount: decimalAmount.describe("The amount sold, in `currencyFrom`: a decimal string greater than 0 within that currency's precision and bound."),
    })
    .strict(),
  exchangeRules,
  { id: 'ExchangeQuote', description: 'An exchange to quote: sell `amount` of `currencyFrom` for `currencyTo`.' },
);

export const exchangeLockResponse = z
  .looseObject({
    lockId: z.string(),
    rate: upstreamAmount,
    amount: upstreamAmount.optional(),
    amountTo: upstreamAmount.optional(),
    currencyFrom: upstreamCurrency.optional(),
    currencyTo: upstreamCurrency.optional(),
    expiresAt: z.string().optional(),
  })
  .meta({ id: 'ExchangeLock', description: 'A binding rate reserved for one exchange: pass `lockId` to the exchange before `expiresAt`.' });

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

export const exchangeBody = withRules(
  z
    .object({
      amount: decimalAmount.describe('The amount sold, in `currencyFrom`, as locked.'),
      currencyFrom: currency.describe('The currency sold, as locked.'),
      currencyTo: currency.describe('The currency bought, as locked.'),
      lockId: p100IdOf('The `lockId` of an exchange lock'),
    })
    .strict(),
  exchangeRules,
  { id: 'ExchangeRequest', description: 'Execute the exchange a lock quoted: the same currencies and amount, and its `lockId`.' },
);

/** The answer to an exchange: P100's id, to follow with getExchange. */
export const exchangeCreated = z
  .looseObject({ exchangeId: z.string() })
  .meta({ id: 'ExchangeCreated', description: 'The exchange was accepted; follow it with getExchange.' });

export const createPartnerExchange = defineOperation({
  operationId: 'createPartnerExchange',
  area: 'partner',
  summary: "Execute an exchange on the partner's balances at a locked rate. Settles asynchronously.",
  route: { method: 'POST', path: '/partner/exchanges' },
  upstream: { method: 'POST', path: '/v1/partner/exchange' },
  kind: 'money',
  confidence: 'H',
  request: { body: exchangeBody },
  response: exchangeCreated,
  successStatus: 202,
  redact: [],
  ledger: { type: 'EXCHANGE', idField: 'exchangeId', amount: 'body.amount', currency: 'body.currencyFrom' },
  links: [
    {
      name: 'GetExchange',
      operationId: 'getExchange',
      parameters: { exchangeId: '$response.body#/exchangeId' },
      description: 'The exchange, until it settles.',
    },
  ],
});

export const createPartnerCryptoWithdrawal = defineOperation({
  operationId: 'createPartnerCryptoWithdrawal',
  area: 'partner',
  summary: "Send crypto from the partner's balance to an external wallet. Fees come on top. Settles asynchronously.",
  route: { method: 'POST', path: '/partner/crypto-withdrawals' },
  upstream: { method: 'POST', path: '/v1/partner/crypto-withdrawal', assumption: 'P5, C9' },
  kind: 'money',
  confidence: 'L',
  request: { body: cryptoWithdrawalBody },
  response: cryptoWithdrawalCreated,
  successStatus: 202,
  redact: [],
  ledger: { type: 'CRYPTO_WITHDRAWAL', idField: 'withdrawalId', amount: 'body.amount', currency: 'body.currency' },
  links: [
    {
      name: 'GetCryptoWithdrawal',
      operationId: 'getCryptoWithdrawal',
      parameters: { withdrawalId: '$response.body#/withdrawalId' },
      description: 'The withdrawal, until it settles.',
    },
  ],
});

export const createPartnerSepaTransfer = defineOperation({
  operationId: 'createPartnerSepaTransfer',
  area: 'partner',
  summary: "Pay out EUR from the partner's balance by SEPA (level 1: only to the partner's own whitelisted IBAN). Settles asynchronously.",
  route: { method: 'POST', path: '/partner/sepa-transfers' },
  upstream: { method: 'POST', path: '/v1/partner/sepa-transfer', assumption: 'P6, C11' },
  kind: 'money',
  confidence: 'H',
  request: { body: sepaTransferBody },
  response: sepaTransferCreated,
  successStatus: 202,
  redact: SEPA_REDACT,
  ledger: { type: 'SEPA_TRANSFER', idField: 'transferId', amount: 'body.amount', currency: 'body.currency' },
  links: [
    {
      name: 'GetPartnerSepaTransfer',
      operationId: 'getPartnerSepaTransfer',
      parameters: { transferId: '$response.body#/transferId' },
      description: 'The SEPA transfer, until it settles.',
    },
  ],
});

export const getPartnerSepaTransfer = defineOperation({
  operationId: 'getPartnerSepaTransfer',
  area: 'partner',
  summary: 'Status and details of a SEPA transfer from the partner balance.',
  route: { method: 'GET', path: '/partner/sepa-transfers/{transferId}' },
  upstream: { method: 'GET', path: '/v1/sepa-transfer/details/{transferId}', assumption: 'P7' },
  kind: 'read',
  confidence: 'H',
  request: { params: sepaTransferPathParams },
  response: sepaTransferDetails,
  redact: SEPA_REDACT,
});

export const getPartnerSepaDepositInfo = defineOperation({
  operationId: 'getPartnerSepaDepositInfo',
  area: 'partner',
  summary: "The IBAN and reference to use for SEPA deposits to the partner's own balance.",
  route: { method: 'GET', path: '/partner/sepa-deposit-info' },
  upstream: { method: 'GET', path: '/v1/partner/sepa-deposit/info', assumption: 'P9' },
  kind: 'read',
  confidence: 'H',
  request: {},
  response: sepaDepositInfo,
  redact: ['iban'],
});
