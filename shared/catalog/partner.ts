import * as z from 'zod';
import { cryptoWithdrawalBody, cryptoWithdrawalCreated } from './crypto.js';
import { SEPA_REDACT, sepaDepositInfo, sepaTransferBody, sepaTransferCreated, sepaTransferDetails, sepaTransferPathParams } from './sepa.js';
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

export const lockQuery = z
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
  ledger: { type: 'EXCHANGE', idField: 'exchangeId', amount: 'body.amount', currency: 'body.currencyFrom' },
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
