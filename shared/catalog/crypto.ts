import * as z from 'zod';
import { pathIntoBody } from './mapping.js';
import { defineOperation } from './types.js';
import { CRYPTO_CURRENCIES } from './currencies.js';
import {
  amountInCurrency,
  boundedText,
  caseInsensitiveEnum,
  countryCode,
  cryptoCurrency,
  decimalAmount,
  externalUserId,
  messageResponse,
  networkOnlyForMultiNetworkCoins,
  notEmpty,
  p100IdOf,
  upstreamAmount,
  upstreamCurrency,
  upstreamStatus,
  failureReason,
  userPathParams,
  withRules,
} from './schemas.js';

/**
 * Networks a caller may name: only usdc and usdt run on more than one chain (ethereum by default, or
 * polygon); every other coin has one network and P100 wants `network` omitted (reference part 2 §2,
 * ASSUMPTIONS G2; the rule is `networkOnlyForMultiNetworkCoins`).
 */
const withdrawalNetwork = caseInsensitiveEnum(['ethereum', 'polygon']).describe(
  'For usdc and usdt only: `ethereum` (default) or `polygon`, lower or upper case.',
);

/** Destination address: base58, bech32 and 0x-hex addresses are all letters and digits. */
const walletAddress = z.string().regex(/^[A-Za-z0-9]{16,128}$/, '16 to 128 letters and digits');

/** Create Crypto Withdrawal body (reference part 2 §2, [OLD-DOC]) without the user, which our route carries. */
export const cryptoWithdrawalBody = withRules(
  z
    .object({
      currency: cryptoCurrency,
      amount: decimalAmount,
      network: withdrawalNetwork.optional(),
      walletAddress,
      memo: boundedText(256).optional(),
      /** Beneficiary name for the Travel Rule. */
      name: boundedText(200),
      walletType: z.enum(['CUSTODIAL', 'NON_CUSTODIAL', 'OTHER']),
      receiverType: z.enum(['NATURAL', 'LEGAL']),
    })
    .strict(),
  [amountInCurrency('amount', 'currency', CRYPTO_CURRENCIES), networkOnlyForMultiNetworkCoins],
  { id: 'CryptoWithdrawalRequest', description: 'A withdrawal to an external wallet, with the beneficiary data the Travel Rule needs.' },
);

export const cryptoWithdrawalCreated = z
  .looseObject({ withdrawalId: z.string() })
  .meta({ id: 'WithdrawalCreated', description: 'The withdrawal was accepted; follow it with getCryptoWithdrawal.' });

/** Crypto withdrawal details (ASSUMPTIONS C9). */
export const cryptoWithdrawalDetails = z
  .looseObject({
    id: z.string(),
    externalUserId: z.string().nullable().optional(),
    currency: upstreamCurrency,
    network: upstreamCurrency.optional(),
    amount: upstreamAmount,
    walletAddress: z.string().optional(),
    fee: upstreamAmount.optional(),
    networkFee: upstreamAmount.optional(),
    status: upstreamStatus,
    transactionHash: z.string().nullable().optional(),
    createdAt: z.string().optional(),
    error: failureReason,
  })
  .meta({ id: 'Withdrawal', description: 'A crypto withdrawal (user or partner): amount, fees, status and, once sent, the transaction hash.' });

const travelRuleBody = z
  .object({
    walletType: z.enum(['CUSTODIAL', 'SELF_CUSTODY']),
    externalUserId: externalUserId.optional(),
    details: withRules(
      z
        .object({
          iAmOwnerOfWallet: z.boolean().optional(),
          firstName: boundedText(100).optional(),
          lastName: boundedText(100).optional(),
          companyName: boundedText(200).optional(),
          vatId: boundedText(50).optional(),
          street: boundedText(200).optional(),
          city: boundedText(100).optional(),
          postCode: boundedText(20).optional(),
          country: countryCode.optional(),
        })
        .strict(),
      [notEmpty('originator details')],
      { description: 'The originator: at least one field.' },
    ),
  })
  .strict()
  .meta({ id: 'TravelRuleRequest', description: 'The Travel Rule data of a held crypto deposit.' });

export const updateTravelRule = defineOperation({
  operationId: 'updateTravelRule',
  area: 'crypto',
  summary: 'Supply the originator (Travel Rule) data of a crypto deposit held in WAITING_FOR_TR_DATA, releasing it.',
  route: { method: 'PUT', path: '/crypto-deposits/{cryptoDepositId}/travel-rule' },
  upstream: { method: 'PATCH', path: '/v1/crypto-deposit/update-travel-rule/{cryptoDepositId}', assumption: 'C1 (table B), C13' },
  kind: 'write',
  confidence: '3P',
  request: {
    params: z.object({ cryptoDepositId: p100IdOf('The crypto deposit held in WAITING_FOR_TR_DATA (from the crypto deposit webhook)') }).strict(),
    body: travelRuleBody,
  },
  response: messageResponse,
  redact: ['vatId'],
});

export const getNetworkFee = defineOperation({
  operationId: 'getNetworkFee',
  area: 'crypto',
  summary: 'The current blockchain fee of a withdrawal of a coin (and network, for usdc/usdt), in units of that coin.',
  route: { method: 'GET', path: '/network-fees' },
  upstream: { method: 'GET', path: '/v1/crypto-withdrawal/get-network-fee', assumption: 'C2 (table B)' },
  kind: 'read',
  confidence: 'M',
  request: {
    query: withRules(z.object({ currency: cryptoCurrency, network: withdrawalNetwork.optional() }).strict(), [networkOnlyForMultiNetworkCoins]),
  },
  response: z.looseObject({ networkFee: upstreamAmount }).meta({ id: 'NetworkFee', description: 'The blockchain fee of a withdrawal, in units of the coin.' }),
  redact: [],
});

export const createCryptoWithdrawal = defineOperation({
  operationId: 'createCryptoWithdrawal',
  area: 'crypto',
  summary: "Send crypto from a user's balance to an external wallet. Service and network fees come on top. Settles asynchronously.",
  route: { method: 'POST', path: '/users/{externalUserId}/crypto-withdrawals' },
  upstream: { method: 'POST', path: '/v1/crypto-withdrawal', assumption: 'C3 (table B), C9' },
  kind: 'money',
  confidence: 'M',
  request: { params: userPathParams, body: cryptoWithdrawalBody },
  response: cryptoWithdrawalCreated,
  successStatus: 202,
  redact: [],
  ledger: { type: 'CRYPTO_WITHDRAWAL', idField: 'withdrawalId', externalUserId: 'params.externalUserId', amount: 'body.amount', currency: 'body.currency' },
  toUpstream: pathIntoBody({ externalUserId: 'sourceExternalUserId' }),
  links: [
    {
      name: 'GetCryptoWithdrawal',
      operationId: 'getCryptoWithdrawal',
      parameters: { withdrawalId: '$response.body#/withdrawalId' },
      description: 'The withdrawal, until it settles.',
    },
  ],
});

export const getCryptoWithdrawal = defineOperation({
  operationId: 'getCryptoWithdrawal',
  area: 'crypto',
  summary: 'Status, fees and transaction hash of a crypto withdrawal (user or partner).',
  route: { method: 'GET', path: '/crypto-withdrawals/{withdrawalId}' },
  upstream: { method: 'GET', path: '/v1/crypto-withdrawal/details/{withdrawalId}', assumption: 'C4 (table B), C9' },
  kind: 'read',
  confidence: '3P',
  request: { params: z.object({ withdrawalId: p100IdOf('The `withdrawalId` a crypto withdrawal returned') }).strict() },
  response: cryptoWithdrawalDetails,
  redact: [],
});
